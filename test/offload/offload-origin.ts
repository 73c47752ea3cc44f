// The origin of the offload runs: `cdn-include serve` from dist/ (a real process, as `npm run build` compiles it)
// on a temp docroot with a config file, its JSON access log read line by line as the witness of every request it
// received, and its health endpoint read for the load level.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCli, startServer, stopServer, type ServerChild } from '../soak/server-child';
import { edgeGet } from '../edge/edge-request';

/** One line of the origin's access log (`--log-format json`), the fields the runs read. */
export interface LoggedRequest {
  /** When the request arrived, epoch ms. */
  time: number;
  method: string | null;
  url: string | null;
  status: number;
  userAgent: string | null;
  /** The offload decision and its reason, as the line names them (`offload=307 reason=overloaded`). */
  offload: string | null;
  reason: string | null;
}

/** What the health endpoint says of the load signal. */
export interface LoadReading {
  level: string;
  shedShare: number | undefined;
}

/** A running origin. */
export interface OffloadOrigin {
  url: string;
  port: number;
  /** Every access-log line so far, in the order written. */
  log(): readonly LoggedRequest[];
  /** The load level and shed share the health endpoint reports now. */
  load(): Promise<LoadReading>;
  stop(): Promise<void>;
}

/** A docroot of `files` (path → content) in a temp folder; `remove` deletes the folder (config file included). */
export function writeSite(files: Record<string, string | Buffer>): { root: string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-offload-'));
  const root = join(folder, 'docroot');
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
  }
  return { root, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** Starts serve on `root` with `config` as its config file, on a free port of 127.0.0.1, its log in JSON. */
export async function startOffloadOrigin(root: string, config: object): Promise<OffloadOrigin> {
  const configFile = join(root, '..', 'cdn-include.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const server: ServerChild = await startServer(findCli(), root, [
    '--config',
    configFile,
    '--log-format',
    'json',
  ]);
  const lines: LoggedRequest[] = [];
  let partial = '';
  server.child.stdout?.on('data', (chunk: string) => {
    const text = partial + chunk;
    const end = text.lastIndexOf('\n');
    partial = text.slice(end + 1);
    for (const line of text.slice(0, end + 1).split('\n')) if (line.startsWith('{')) lines.push(parsed(line));
  });
  const port = Number(new URL(server.origin).port);
  return {
    url: server.origin,
    port,
    log: () => lines,
    load: async () => loadOf((await edgeGet(port, '/_cdn-include/health')).body),
    stop: () => stopServer(server),
  };
}

function parsed(line: string): LoggedRequest {
  const record = JSON.parse(line) as Record<string, unknown>;
  return {
    time: Date.parse(String(record.time)),
    method: (record.method as string | null) ?? null,
    url: (record.url as string | null) ?? null,
    status: Number(record.status),
    userAgent: (record.userAgent as string | null) ?? null,
    offload: record.offload === undefined ? null : String(record.offload),
    reason: record.offloadReason === undefined ? null : String(record.offloadReason),
  };
}

/** The load level and shed share in a health answer. */
function loadOf(body: string): LoadReading {
  const health = JSON.parse(body) as { load?: { level?: string; shedShare?: number } };
  return { level: health.load?.level ?? 'unknown', shedShare: health.load?.shedShare };
}
