// A 3 GB sparse file in the docroot of a real `cdn-include serve`: HEAD, a full GET and 16 concurrent 10-byte
// ranges must all be answered (no 2 GiB limit) while the server's resident memory stays flat (README, *Big
// static files*).

import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCli, residentBytes, type ServerChild, startServer, stopServer } from '../soak/server-child';
import { countedRequest } from './support/big-files-client';

const SIZE = 3 * 1024 ** 3;
// What serving may add to the resident memory at most, whatever the file's size: stream buffers and garbage
// not yet collected. Reading the file whole would add 3 GB.
const RSS_ALLOWANCE = 64 * 1024 * 1024;
const RANGES = 16;
const MIB = 1024 * 1024;

let root: string;
let server: ServerChild;
let samples: number[] = [];
let sampler: NodeJS.Timeout;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cdn-include-big-'));
  writeFileSync(join(root, 'index.html'), 'hello\n');
  // Sparse: no disk space used, but every byte is read and hashed like any other.
  writeFileSync(join(root, 'huge.bin'), '');
  truncateSync(join(root, 'huge.bin'), SIZE);
  server = await startServer(findCli(), root, ['--quiet']);
  await countedRequest(`${server.origin}/index.html`, 'GET', {});
  sampler = setInterval(() => {
    const rss = residentBytes(server.child.pid);
    if (rss !== undefined) samples.push(rss);
  }, 100);
});

afterAll(async () => {
  clearInterval(sampler);
  await stopServer(server);
  rmSync(root, { recursive: true, force: true });
});

it('a 3 GB file › HEAD, GET and 16 concurrent ranges answered in full, RSS flat', async () => {
  const start = residentBytes(server.child.pid) ?? 0;
  samples = [start];
  const url = `${server.origin}/huge.bin`;

  const head = await countedRequest(url, 'HEAD', {});
  expect(head.status).toBe(200);
  expect(head.headers['content-length']).toBe(String(SIZE));

  const get = await countedRequest(url, 'GET', {});
  expect(get.status).toBe(200);
  expect(get.bytes).toBe(SIZE);
  expect(get.headers.etag).toBe(head.headers.etag);

  const ranges = await Promise.all(
    Array.from({ length: RANGES }, (_, index) => {
      // Distinct query strings: sixteen separate requests for the server, none sharing another's work.
      const offset = Math.floor((SIZE / RANGES) * index) + 12345;
      return countedRequest(`${url}?r=${index}`, 'GET', { Range: `bytes=${offset}-${offset + 9}` });
    }),
  );
  for (const range of ranges) {
    expect(range.status).toBe(206);
    expect(range.bytes).toBe(10);
    expect(range.small.equals(Buffer.alloc(10))).toBe(true);
  }
  const rangesMs = Math.max(...ranges.map((range) => range.milliseconds));

  const peak = Math.max(...samples, residentBytes(server.child.pid) ?? 0);
  console.log(
    [
      `big files: ${SIZE / 1024 ** 3} GiB sparse file, etag ${String(head.headers.etag)}`,
      `  HEAD (first request: hashes the file, ${(SIZE / MIB).toFixed(0)} MiB): ${(head.milliseconds / 1000).toFixed(1)} s, ` +
        `${(SIZE / MIB / (head.milliseconds / 1000)).toFixed(0)} MiB/s`,
      `  GET whole body: ${(get.milliseconds / 1000).toFixed(1)} s, ${(SIZE / MIB / (get.milliseconds / 1000)).toFixed(0)} MiB/s`,
      `  ${RANGES} concurrent 10-byte ranges: all 206 in ${rangesMs.toFixed(0)} ms`,
      `  RSS: start ${(start / MIB).toFixed(1)} MiB, peak ${(peak / MIB).toFixed(1)} MiB ` +
        `(+${((peak - start) / MIB).toFixed(1)} MiB, bound +${RSS_ALLOWANCE / MIB} MiB; ${samples.length} samples)`,
    ].join('\n'),
  );
  expect(peak).toBeLessThan(start + RSS_ALLOWANCE);
});
