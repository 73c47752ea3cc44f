// Hostile: a folder of the docroot swapped for a symlink out of the root as fast as the kernel allows, while
// clients fetch a file under it and a page that includes, sizes and dates it; and a FIFO in the docroot.

import http from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { get } from '../soak/http-client';
import { findCli, type ServerChild, startServer, stopServer } from '../soak/server-child';
import {
  type EscapeSite,
  makeEscapeSite,
  makeFifo,
  showsOutside,
  startRacer,
  stopRacer,
} from './support/docroot-escape-site';

const CONCURRENCY = 16;

interface Tally {
  requests: number;
  escapes: number;
  /** Responses showing the inside file's bytes, and responses with Apache's error text (a refused include). */
  inside: number;
  errorText: number;
  statuses: Map<number, number>;
  errors: number;
}

/** Sends `count` GETs of the paths in turn, `CONCURRENCY` at a time, and tallies statuses and escapes. */
async function hammer(
  server: ServerChild,
  site: EscapeSite,
  paths: string[],
  count: number,
  timeoutMs = 10_000,
): Promise<Tally> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const tally: Tally = { requests: 0, escapes: 0, inside: 0, errorText: 0, statuses: new Map(), errors: 0 };
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < count) {
      const path = paths[next++ % paths.length];
      try {
        const response = await get(agent, server.origin, path, {}, timeoutMs);
        tally.statuses.set(response.status, (tally.statuses.get(response.status) ?? 0) + 1);
        if (showsOutside(site, response.body)) tally.escapes++;
        if (response.body.includes('inside\n')) tally.inside++;
        if (response.body.includes('[an error occurred')) tally.errorText++;
      } catch {
        tally.errors++;
      }
      tally.requests++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  agent.destroy();
  return tally;
}

function summarize(tally: Tally): string {
  const statuses = [...tally.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
  return (
    `${tally.requests} requests, ${tally.escapes} with bytes from outside, ${tally.errors} errors; ` +
    `${statuses.join(', ')}; ${tally.inside} with the inside bytes, ${tally.errorText} with the error text`
  );
}

describe('a docroot folder swapped for a symlink out of the root, mid-request', () => {
  let site: EscapeSite;
  let server: ServerChild | undefined;

  beforeAll(() => {
    site = makeEscapeSite();
  });
  afterEach(async () => {
    if (server) await stopServer(server);
    server = undefined;
  });
  afterAll(() => rmSync(dirname(site.root), { recursive: true, force: true }));

  it.each([
    ['--no-cache', ['--no-cache', '--quiet'], 20_000, 10_000],
    ['the default caches, revalidated every time', ['--revalidate-window', '0', '--quiet'], 6_000, 4_000],
  ])('with %s › no response carries a byte of the outside file', async (name, flags, files, pages) => {
    server = await startServer(findCli(), site.root, flags);
    const racer = startRacer(site);
    const direct = await hammer(server, site, ['/data/f.txt'], files);
    const page = await hammer(server, site, ['/page.shtml'], pages);
    const swaps = await stopRacer(racer);
    console.log(`docroot escape (${name}), ${swaps} swaps:
  GET /data/f.txt: ${summarize(direct)}
  GET /page.shtml (include virtual, fsize, flastmod): ${summarize(page)}`);
    expect(direct.requests + page.requests).toBe(files + pages);
    expect(direct.escapes).toBe(0);
    expect(page.escapes).toBe(0);
  });
});

describe('a FIFO in the docroot', () => {
  let site: EscapeSite;
  let server: ServerChild | undefined;

  beforeAll(() => {
    site = makeEscapeSite();
    makeFifo(join(site.root, 'fifo.html'));
    makeFifo(join(site.root, 'fifo.shtml'));
    writeFileSync(
      join(site.root, 'uses-fifo.shtml'),
      '[<!--#include virtual="/fifo.html" -->][<!--#include file="fifo.shtml" -->]' +
        '[<!--#fsize virtual="/fifo.html" -->][<!--#flastmod file="fifo.html" -->]\n',
    );
  });
  afterEach(async () => {
    if (server) await stopServer(server);
    server = undefined;
  });
  afterAll(() => rmSync(dirname(site.root), { recursive: true, force: true }));

  it('requested many times at once › every request is answered and probes for normal pages still answer', async () => {
    server = await startServer(findCli(), site.root, ['--no-cache', '--quiet']);
    // A hung read would hold the request until the 3 s timeout: it counts as an error.
    const attack = hammer(server, site, ['/fifo.html', '/fifo.shtml', '/uses-fifo.shtml'], 96, 3000);
    const probes = hammer(server, site, ['/probe.html', '/probe.shtml'], 200, 3000);
    const [attacked, probed] = await Promise.all([attack, probes]);
    console.log(`FIFO: attack ${summarize(attacked)}
  probes: ${summarize(probed)}`);
    expect(attacked.errors).toBe(0);
    // The FIFOs themselves are refused (two paths in three); the page naming them shows the error text.
    expect(attacked.statuses.get(403)).toBe(64);
    expect(attacked.errorText).toBe(32);
    expect(probed.errors).toBe(0);
    expect(probed.statuses.get(200)).toBe(200);
    expect(probed.errorText).toBe(0);
  });
});
