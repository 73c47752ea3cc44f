// The 64 MiB file downloaded by a real Metalink/HTTP client, aria2c, from the origin's URL: it takes the mirrors
// from the origin's `Link: <…>; rel=duplicate` fields and the SHA-256 from its `Digest` (RFC 6249 §4), fetches
// ranges from the origin and the eligible mirrors at once, and checks the whole file. The stale mirror is never
// asked; a mirror whose copy went bad fails the client's checksum, is dropped at the origin's next spot check, and
// the next download passes; `PATH.meta4` and `PATH.sha256` verify the same bytes with `aria2c -M` and `sha256sum
// -c`.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rawRequestToPort } from '../support/raw-request';
import { addedUris, aria2Download, aria2Metalink, ARIA2_CHECKSUM_FAILED, type Aria2Result } from './aria2';
import {
  CHECK_INTERVAL_SECONDS,
  firstRound,
  startMirrorFleet,
  type MirrorFleet,
  type Origin,
} from './mirror-fleet';
import { duplicateLinks, pollUntil, standings } from './mirror-links';
import { BIG, corruptCopy } from './mirror-site';
import type { MirrorLogEntry, NginxMirror } from './nginx-mirrors';

/**
 * How long a change of a mirror may take to show: the end of a round under way, the interval, then the round that
 * reads the 64 MiB file from every mirror listing it (three at once, hashed on a CPU aria2c may be using too).
 */
const NEXT_CHECK_BOUND_MS = CHECK_INTERVAL_SECONDS * 1000 + 4000;
const TOTAL_TESTS = 4;

let fleet: MirrorFleet;
let origin: Origin;
let downloads: string;
let finished = 0;

/** A fresh folder for one download. */
const downloadFolder = (): string => mkdtempSync(join(downloads, 'run-'));
const sha256Of = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('base64');

/** The requests aria2c (by its User-Agent) made to `mirror` after its first `since` log lines. */
function aria2Requests(mirror: NginxMirror, since: number): MirrorLogEntry[] {
  return mirror
    .log()
    .slice(since)
    .filter((entry) => entry.agent.startsWith('aria2/'));
}

/** A run's outcome as the assertions show it, with aria2c's output when it differs from what was expected. */
function outcome(result: Aria2Result, expected: number | string) {
  return result.code === expected ? { code: result.code } : { code: result.code, output: result.output };
}

/** The mirrors offered for the big file now, by name. */
async function offeredForBig(): Promise<string[]> {
  const head = await rawRequestToPort(origin.port, BIG, {}, 'HEAD');
  return duplicateLinks(head, origin.url, fleet.names).map((link) => link.split(/[< /]/)[2]);
}

beforeAll(async () => {
  fleet = await startMirrorFleet();
  origin = await fleet.startOrigin();
  downloads = mkdtempSync(join(tmpdir(), 'cdn-include-mirrors-downloads-'));
  await firstRound(origin).catch(() => undefined);
}, 60_000);

afterAll(async () => {
  await fleet?.stop(finished < TOTAL_TESTS);
  if (downloads !== undefined) rmSync(downloads, { recursive: true, force: true });
});

describe('aria2c downloading the 64 MiB file from the origin’s URL', () => {
  it('every mirror sound › exits 0 with the bytes, ranges from both eligible mirrors, no request to the stale one', async () => {
    const marks = { m1: fleet.m1.log().length, m2: fleet.m2.log().length, m3: fleet.m3.log().length };
    const folder = downloadFolder();
    const result = await aria2Download(`${origin.url}${BIG}`, folder);
    expect(outcome(result, 0)).toEqual({ code: 0 });
    // The mirrors aria2c read from the origin's Link fields: m1 and m3 (both `pref`), by `pri`.
    expect(addedUris(result)).toEqual([`${fleet.m1.url}big.bin`, `${fleet.m3.url}big.bin`]);
    expect(sha256Of(join(folder, 'big.bin'))).toBe(fleet.site.manifest[BIG].sha256);
    for (const mirror of [fleet.m1, fleet.m3]) {
      const requests = aria2Requests(mirror, marks[mirror.name as 'm1' | 'm3']);
      expect({ mirror: mirror.name, asked: requests.length > 0 }).toEqual({
        mirror: mirror.name,
        asked: true,
      });
      for (const { uri, range, status } of requests)
        expect({ mirror: mirror.name, uri, range, status }).toEqual({
          mirror: mirror.name,
          uri: BIG,
          range: expect.stringMatching(/^bytes=\d+-\d*$/),
          status: 206,
        });
    }
    // m2 holds the previous build's big file: nobody but the origin's own prober may ask it for that file.
    const askedOfStale = fleet.m2
      .log()
      .slice(marks.m2)
      .filter((entry) => entry.uri === BIG && !entry.agent.startsWith('cdn-include-mirror-check'));
    expect(askedOfStale).toEqual([]);
    finished += 1;
  });

  it('PATH.meta4 › aria2c -M downloads and verifies it, never from the stale mirror; sha256sum -c accepts PATH.sha256', async () => {
    const marks = { m1: fleet.m1.log().length, m2: fleet.m2.log().length, m3: fleet.m3.log().length };
    const folder = downloadFolder();
    const metalink = await rawRequestToPort(origin.port, `${BIG}.meta4`);
    expect(metalink.status).toBe(200);
    const text = metalink.body.toString('utf8');
    for (const [mirror, listed] of [
      [fleet.m1, true],
      [fleet.m2, false],
      [fleet.m3, true],
    ] as const)
      expect({ mirror: mirror.name, listed: text.includes(`${mirror.url}big.bin<`) }).toEqual({
        mirror: mirror.name,
        listed,
      });
    writeFileSync(join(folder, 'big.bin.meta4'), metalink.body);
    const result = await aria2Metalink(join(folder, 'big.bin.meta4'), folder);
    expect(outcome(result, 0)).toEqual({ code: 0 });
    expect(sha256Of(join(folder, 'big.bin'))).toBe(fleet.site.manifest[BIG].sha256);
    expect(aria2Requests(fleet.m2, marks.m2)).toEqual([]);
    expect(
      aria2Requests(fleet.m1, marks.m1).length + aria2Requests(fleet.m3, marks.m3).length,
    ).toBeGreaterThan(0);

    const checksum = await rawRequestToPort(origin.port, `${BIG}.sha256`);
    expect(checksum.status).toBe(200);
    writeFileSync(join(folder, 'big.bin.sha256'), checksum.body);
    const checked = await promisify(execFile)('sha256sum', ['-c', 'big.bin.sha256'], {
      cwd: folder,
      timeout: 30_000,
    });
    expect(checked.stdout).toBe('big.bin: OK\n');
    finished += 1;
  });

  it('a byte flipped in each MiB of m1’s copy › aria2c fails its checksum, the next spot check drops m1, the next run passes', async () => {
    corruptCopy(join(fleet.site.copies.m1, BIG));
    const before = fleet.m1.log().length;
    const failed = await aria2Download(`${origin.url}${BIG}`, downloadFolder());
    // aria2c(1), EXIT STATUS: 32, "checksum validation failed".
    expect(outcome(failed, ARIA2_CHECKSUM_FAILED)).toEqual({ code: ARIA2_CHECKSUM_FAILED });
    expect(aria2Requests(fleet.m1, before).length).toBeGreaterThan(0);

    // The origin offered /big.bin since the last round, so the next round checks that file on each mirror.
    const leftOut = await pollUntil(
      offeredForBig,
      (names) => !names.includes('m1'),
      'm1 left out of /big.bin',
      NEXT_CHECK_BOUND_MS,
    );
    console.log(
      `m1 left out ${leftOut} ms after the failed download ended (interval ${CHECK_INTERVAL_SECONDS} s)`,
    );
    expect(await standings(origin.port, BIG)).toEqual({
      m1: expect.stringMatching(/^failed spot check: \/big\.bin: /),
      m2: 'stale: other digest',
      m3: 'eligible',
    });

    const mark = fleet.m1.log().length;
    const folder = downloadFolder();
    const passed = await aria2Download(`${origin.url}${BIG}`, folder);
    expect(outcome(passed, 0)).toEqual({ code: 0 });
    expect(addedUris(passed)).toEqual([`${fleet.m3.url}big.bin`]);
    expect(sha256Of(join(folder, 'big.bin'))).toBe(fleet.site.manifest[BIG].sha256);
    expect(aria2Requests(fleet.m1, mark)).toEqual([]);
    finished += 1;
  });

  it('m1’s copy repaired › offered for the big file again within one interval', async () => {
    copyFileSync(join(fleet.site.current, BIG), join(fleet.site.copies.m1, BIG));
    const back = await pollUntil(
      offeredForBig,
      (names) => names.includes('m1'),
      'm1 back for /big.bin',
      NEXT_CHECK_BOUND_MS,
    );
    console.log(`m1 back ${back} ms after its repair`);
    expect(await offeredForBig()).toEqual(['m1', 'm3']);
    finished += 1;
  });
});
