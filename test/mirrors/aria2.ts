// Runs Debian's aria2c, the Metalink/HTTP client of `npm run test:mirrors`, with every wait bounded: it reads the
// `Link: <…>; rel=duplicate` fields of the first response as further sources of the file (RFC 6249) and the RFC
// 3230 `Digest` as the SHA-256 the whole download must have, and then fetches ranges from all of them at once.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian installs aria2c. */
export const ARIA2C = '/usr/bin/aria2c';
/** aria2c's exit status when the download's checksum does not match (aria2c(1), EXIT STATUS). */
export const ARIA2_CHECKSUM_FAILED = 32;
/** The longest one aria2c run may take before it is killed. */
const RUN_TIMEOUT_MS = 30_000;

/** What one aria2c run ended with. */
export interface Aria2Result {
  /** Its exit status, or the signal that ended it. */
  code: number | string;
  output: string;
  /** Its own log (`--log`, debug level): the fields it received, the URIs it added and asked. */
  log: string;
}

/** The mirror URIs aria2c took from the `Link: rel=duplicate` fields of its first response, in its order. */
export function addedUris(result: Aria2Result): string[] {
  return [...result.log.matchAll(/Adding URI=(\S+)/g)].map((match) => match[1]);
}

/**
 * Options every run gets: no user config, no retries to speak of, short timeouts, no resume state, and at least
 * 1 MiB per range so a 64 MiB file is split over every source.
 */
const BOUNDED = [
  '--no-conf',
  '--max-tries=2',
  '--retry-wait=1',
  '--connect-timeout=5',
  '--timeout=10',
  '--allow-overwrite=true',
  '--auto-file-renaming=false',
  '--file-allocation=none',
  '--console-log-level=warn',
  '--summary-interval=0',
  '--log-level=debug',
];

/** Downloads `url` into `folder` split over its mirrors: 8 connections, 2 per server, ranges of 1 MiB or more. */
export function aria2Download(url: string, folder: string): Promise<Aria2Result> {
  return aria2(
    ['--split=8', '--max-connection-per-server=2', '--min-split-size=1M', '--dir', folder, url],
    folder,
  );
}

/** Downloads what the Metalink file `metalink` describes into `folder`. */
export function aria2Metalink(metalink: string, folder: string): Promise<Aria2Result> {
  return aria2(['--metalink-file', metalink, '--dir', folder], folder);
}

function aria2(args: string[], folder: string): Promise<Aria2Result> {
  const logFile = join(folder, 'aria2.log');
  return new Promise((resolve) => {
    execFile(
      ARIA2C,
      [...BOUNDED, `--log=${logFile}`, ...args],
      { timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const failure = err as (Error & { code?: number | string; signal?: string }) | null;
        const code = failure === null ? 0 : (failure.signal ?? failure.code ?? -1);
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        resolve({ code, output: `${stdout}${stderr}`, log });
      },
    );
  });
}
