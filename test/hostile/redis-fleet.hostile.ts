// A fleet of real `cdn-include serve` origins sharing the validator ledger in a real redis-server: identical files
// give identical validators everywhere, an origin started after an older-mtime swap inherits what the fleet sent,
// and Redis killed mid-run costs neither a 5xx nor a stale 304 (one log line per origin), until it is back.

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisLedgerStore } from '../../src/engine/redis-ledger-store';
import { findCli, startServer, stopServer, type ServerChild } from '../soak/server-child';
import { startRedisServer, type RedisServer } from '../support/redis-server';

const OLD = new Date('2024-01-15T12:00:00Z');
const OLDER = new Date('2023-06-01T12:00:00Z');

let redis: RedisServer;
let folder: string;
const origins: ServerChild[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  folder = mkdtempSync(join(tmpdir(), 'cdn-include-fleet-'));
});

afterAll(async () => {
  await Promise.all(origins.map((origin) => stopServer(origin)));
  await redis?.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** Writes a file with an explicit mtime, as `cp -p`, `rsync -t` or `tar x` leave it. */
function write(root: string, path: string, content: string, mtime: Date): void {
  writeFileSync(join(root, path), content);
  utimesSync(join(root, path), mtime, mtime);
}

async function get(origin: ServerChild, headers: Record<string, string> = {}) {
  const response = await fetch(`${origin.origin}/index.shtml`, { headers });
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    lastModified: response.headers.get('last-modified'),
    body: await response.text(),
  };
}

async function origin(root: string): Promise<ServerChild> {
  const started = await startServer(findCli(), root, ['--state', redis.url(0), '--quiet']);
  origins.push(started);
  return started;
}

/** Waits until the clock enters the next second, so new bytes can be dated later than the old ones. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

/** A site in `root`: a page including a fragment, both dated in the past, as a deploy copy leaves them. */
function makeSite(root: string, fragment: string, fragmentTime: Date): void {
  mkdirSync(root, { recursive: true });
  write(root, 'index.shtml', 'page <!--#include virtual="/frag.html" -->', OLD);
  write(root, 'frag.html', fragment, fragmentTime);
}

it('origins on one Redis ledger › same validators, a joiner inherits, Redis killed costs no 5xx and no stale 304', async () => {
  const [siteA, siteB, siteC] = ['a', 'b', 'c'].map((name) => join(folder, name));
  for (const root of [siteA, siteB]) makeSite(root, 'fragment one', OLD);
  const a = await origin(siteA);
  const b = await origin(siteB);
  const first = await get(a);
  const fromB = await get(b);
  expect(first.status).toBe(200);
  expect([fromB.etag, fromB.lastModified]).toEqual([first.etag, first.lastModified]);

  // The deploy: an older copy of the fragment on every origin, then a new origin joins.
  await nextSecond();
  for (const root of [siteA, siteB, siteC]) makeSite(root, 'fragment two', OLDER);
  const c = await origin(siteC);
  const joined = await get(c, { 'If-Modified-Since': first.lastModified as string });
  expect(joined.status).toBe(200);
  expect(joined.body).toBe('page fragment two');
  expect(Date.parse(joined.lastModified as string)).toBeGreaterThan(Date.parse(first.lastModified as string));
  // The others, once they see the change (within their revalidation window), send the same validators.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  for (const other of [a, b]) {
    const seen = await get(other, { 'If-Modified-Since': first.lastModified as string });
    expect([seen.status, seen.etag, seen.lastModified]).toEqual([200, joined.etag, joined.lastModified]);
  }

  // Redis dies; another older copy is deployed: every origin answers, none with a 5xx or a stale 304.
  await redis.kill();
  await nextSecond();
  for (const root of [siteA, siteB, siteC]) makeSite(root, 'fragment three', OLDER);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  let stale = 0;
  let errors = 0;
  for (let round = 0; round < 10; round++)
    for (const each of [a, b, c]) {
      const replay = await get(each, { 'If-Modified-Since': joined.lastModified as string });
      if (replay.status >= 500) errors++;
      if (replay.status === 304) stale++;
      else expect(replay.body).toBe('page fragment three');
    }
  expect([stale, errors]).toEqual([0, 0]);
  for (const each of [a, b, c])
    expect(each.stderrTail().match(/validator state unavailable/g) ?? []).toHaveLength(1);

  // Redis is back (empty: no persistence): the origins use it again.
  await redis.restart();
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const back = await get(a);
  expect(back.status).toBe(200);
  const reader = new RedisLedgerStore({ host: '127.0.0.1', port: redis.port, db: 0 });
  await reader.whenConnected(5000);
  const record = await reader.transact('/index.shtml', (found) => ({ value: found }));
  await reader.close();
  expect(record?.variants.map(([, entry]) => entry.etag)).toEqual([back.etag]);
  console.log(
    `redis fleet: 3 origins; after an older-mtime swap a joining origin answered 200 (Last-Modified ${first.lastModified} -> ${joined.lastModified}), ` +
      `the others sent the same validators; with Redis killed: 30 revalidations after another swap, ${stale} stale 304, ${errors} 5xx`,
  );
}, 60_000);
