// Hostile scenario: `serve --watch` with a purge target, after a flood of aliases of its pages (`//x`,
// `/%69ndex.shtml`, query strings), sees a fragment change twice, the second time while its purges are in flight.
// Bounds: purge requests in flight never exceed the queue's cap, one purge per canonical page URL (or one batch of
// tags) per change, and a change during an in-flight purge is purged again afterwards.

import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tagOf } from '../../src/server/purge-tags';
import { findCli, startServer, stopServer, type ServerChild } from '../soak/server-child';
import { TempSite } from '../support/temp-site';
import { startPurgeEndpoint, type PurgeEndpoint, type ReceivedPurge } from './support/purge-storm-endpoint';

const PAGE_FILES = [
  '/index.shtml',
  '/about.shtml',
  '/news/index.shtml',
  ...range(10).map((n) => `/p${n}.shtml`),
];
const ALIASES = 4000;
// The queue's default cap on purge requests in flight.
const PURGE_CAP = 4;
const SECONDS = 1000;

function range(count: number): number[] {
  return Array.from({ length: count }, (_unused, index) => index);
}

/** The site: every page includes /inc/nav.html. */
function purgeSite(): TempSite {
  const site = new TempSite();
  for (const page of PAGE_FILES)
    site.write(page.slice(1), `${page} <!--#include virtual="/inc/nav.html" -->`);
  return site.write('inc/nav.html', 'nav 1');
}

/**
 * The i-th alias of a page, all distinct: 1–8 leading slashes, a subset of its letters percent-encoded, a query
 * string on every third; one in four aliases of an index page takes its folder's form (`//new%73/`).
 */
function aliasOf(index: number): string {
  const page = PAGE_FILES[index % PAGE_FILES.length];
  const variant = Math.floor(index / PAGE_FILES.length);
  const slashes = '/'.repeat(1 + (variant % 8));
  const folderForm = page.endsWith('/index.shtml') && variant % 4 === 3;
  const name = folderForm ? page.slice(1, -'index.shtml'.length) : page.slice(1);
  let mask = Math.floor(variant / 8);
  let encoded = '';
  for (const character of name) {
    const encode = /[a-z]/.test(character) && mask % 2 === 1;
    if (/[a-z]/.test(character)) mask = Math.floor(mask / 2);
    encoded += encode ? `%${character.charCodeAt(0).toString(16)}` : character;
  }
  return `${slashes}${encoded}${index % 3 === 0 ? `?alias=${index}` : ''}`;
}

function get(origin: string, path: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function flood(origin: string): Promise<{ sent: number; failed: number; ms: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const started = Date.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < ALIASES) {
      const status = await get(origin, aliasOf(next++), agent);
      if (status !== 200) failed++;
    }
  };
  await Promise.all(range(16).map(worker));
  agent.destroy();
  return { sent: ALIASES, failed, ms: Date.now() - started };
}

/** Resolves when `ready()` holds, checking every 20 ms; rejects after `timeoutMs`. */
async function until(ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the endpoint has had nothing in flight and received nothing for `quietMs`. */
async function purgesSettled(endpoint: PurgeEndpoint, quietMs: number, timeoutMs: number): Promise<void> {
  let count = -1;
  let since = Date.now();
  await until(
    () => {
      if (endpoint.received.length !== count || endpoint.inFlight() > 0) {
        count = endpoint.received.length;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    'the purges to settle',
    timeoutMs,
  );
}

/** Times GET / while the purges run: the server must stay responsive. */
async function probe(origin: string, rounds: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: false });
  const times: number[] = [];
  for (const _round of range(rounds)) {
    const started = Date.now();
    await get(origin, '/', agent);
    times.push(Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return times;
}

/**
 * Floods the server, then changes the fragment, and again as soon as the first purge request is awaiting its
 * answer; returns when the purges have settled.
 */
async function changeTwice(server: ServerChild, site: TempSite, endpoint: PurgeEndpoint) {
  let output = '';
  server.child.stdout?.on('data', (chunk: string) => (output = (output + chunk).slice(-2000)));
  server.child.stderr?.on('data', (chunk: string) => (output = (output + chunk).slice(-2000)));
  const flooded = await flood(server.origin);
  writeFileSync(site.path('inc/nav.html'), 'nav 2');
  const firstChangeAt = Date.now();
  await until(() => endpoint.received.length > 0, 'the first purge', 20 * SECONDS).catch((err: Error) => {
    throw new Error(`${err.message}; the server said:\n${output}`);
  });
  writeFileSync(site.path('inc/nav.html'), 'nav 3');
  const secondChangeAt = Date.now();
  const probes = await probe(server.origin, 10);
  await purgesSettled(endpoint, 2500, 90 * SECONDS);
  return { flooded, firstChangeAt, secondChangeAt, probes, settledMs: Date.now() - firstChangeAt };
}

/**
 * RFC 9110 §10.2.3: after a 503 with `Retry-After: 1`, the server sends nothing to the endpoint for a second
 * (requests already on their way may still land in the first few ms).
 */
function expectRetryAfterHonoured(endpoint: PurgeEndpoint): number {
  const refusals = endpoint.received.filter((purge) => purge.status === 503);
  for (const refusal of refusals) {
    const answeredAt = refusal.answeredAt ?? 0;
    const tooSoon = endpoint.received.filter(
      (purge) => purge.receivedAt > answeredAt + 50 && purge.receivedAt < answeredAt + 990,
    );
    expect(tooSoon).toEqual([]);
  }
  return refusals.length;
}

function succeeded(purge: ReceivedPurge): boolean {
  return purge.status >= 200 && purge.status < 300;
}

function figures(label: string, endpoint: PurgeEndpoint, run: Awaited<ReturnType<typeof changeTwice>>) {
  const answered503 = endpoint.received.filter((purge) => purge.status === 503).length;
  console.log(
    `${label}: ${run.flooded.sent} alias requests in ${run.flooded.ms} ms (${run.flooded.failed} not 200); ` +
      `after two changes of /inc/nav.html: ${endpoint.received.length} purge requests ` +
      `(${answered503} answered 503 + Retry-After), at most ${endpoint.maxConnections()} connections and ` +
      `${endpoint.maxInFlight()} requests in flight at once; settled in ${run.settledMs} ms; ` +
      `GET / during the purges: max ${Math.max(...run.probes)} ms`,
  );
}

describe('purge storm: serve --watch with a purge target after a flood of aliases', () => {
  const cli = findCli();
  let site: TempSite;
  let endpoint: PurgeEndpoint;
  let server: ServerChild | undefined;
  beforeEach(async () => {
    site = purgeSite();
    endpoint = await startPurgeEndpoint({ delayMs: 300, failEvery: 5 });
  });
  afterEach(async () => {
    if (server) await stopServer(server);
    server = undefined;
    await endpoint.close();
    site.remove();
  });

  it('with --purge-url (a URL per request) › one purge per canonical page URL per change, at most the cap in flight', async () => {
    server = await startServer(cli, site.root, [
      '--quiet',
      '--watch',
      '--purge-url',
      `${endpoint.url}/`,
      // PURGE, not BAN: node:http's parser refuses methods it does not know.
      '--purge-tag-header',
      'Surrogate-Key',
    ]);
    const run = await changeTwice(server, site, endpoint);
    figures('--purge-url', endpoint, run);

    const canonical = ['/', '/news/', ...PAGE_FILES].sort();
    const byUrl = new Map<string, ReceivedPurge[]>();
    for (const purge of endpoint.received) {
      const url = String(purge.headers['x-purge-url']);
      byUrl.set(url, [...(byUrl.get(url) ?? []), purge]);
    }
    expect([...byUrl.keys()].sort()).toEqual(canonical);
    for (const [url, purges] of byUrl) {
      const tag = tagOf(url.endsWith('/') ? `${url}index.shtml` : url);
      expect(purges.every((purge) => purge.headers['surrogate-key'] === tag)).toBe(true);
      // One purge per change at most; every page purged after the second change landed.
      expect(purges.filter(succeeded).length).toBeLessThanOrEqual(2);
      expect(purges.some((purge) => succeeded(purge) && purge.receivedAt >= run.secondChangeAt)).toBe(true);
    }
    expect(endpoint.maxInFlight()).toBeLessThanOrEqual(PURGE_CAP);
    expect(endpoint.maxConnections()).toBeLessThanOrEqual(PURGE_CAP);
    expect(expectRetryAfterHonoured(endpoint)).toBeGreaterThan(0);
  });

  it('with {tags} in --purge-url (a batch per request) › the changed tag once per change, again after an in-flight purge', async () => {
    // The second request (the purge after the in-flight one) is refused once with Retry-After.
    endpoint.failEvery(2);
    server = await startServer(cli, site.root, [
      '--quiet',
      '--watch',
      '--purge-url',
      `${endpoint.url}/purge/{tags}`,
    ]);
    const run = await changeTwice(server, site, endpoint);
    figures('{tags}', endpoint, run);

    const navTag = tagOf('/inc/nav.html');
    const successes = endpoint.received.filter(succeeded);
    expect(endpoint.received.every((purge) => purge.url === `/purge/${navTag}`)).toBe(true);
    // The first purge was awaiting its answer when the second change landed: it is purged once more after it.
    expect(successes.length).toBe(2);
    expect(successes[1].receivedAt).toBeGreaterThanOrEqual(successes[0].answeredAt ?? Infinity);
    expect(endpoint.maxInFlight()).toBeLessThanOrEqual(PURGE_CAP);
    expect(expectRetryAfterHonoured(endpoint)).toBe(1);
  });
});
