// `cdn-include serve` as a real process under its default settings: a nested fragment changed (other size, same
// size with an older mtime, same size with the very same mtime), then revalidated 30 ms later, must never get a
// 304 for the bytes it no longer serves. Compiled to JavaScript first, as serve-workers.test.ts does.

import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import request from 'supertest';
import { at, TempSite } from '../support/temp-site';
import { startServeProcess, type ServeProcess } from '../support/serve-process';

jest.setTimeout(120_000);

let site: TempSite;
let serving: ServeProcess | undefined;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ROUNDS = 100;
const fragmentOf = (round: number) => `inc/${round}/a/b/frag.html`;

beforeEach(async () => {
  // One page and one nested fragment per round, each changed once: a file changed within the last timestamp
  // tick (2 s) is never cached (its stamp is racy), so every file must be older than that when its round starts.
  site = new TempSite();
  for (let round = 1; round <= ROUNDS; round++)
    site
      .write(`p${round}/index.shtml`, `page <!--#include virtual="/${fragmentOf(round)}" --> end`, at(1))
      .write(fragmentOf(round), 'v0000', at(2));
  await pause(2_100);
});

afterEach(() => {
  serving?.child.kill('SIGKILL');
  serving = undefined;
  site.remove();
});

async function startServe(extra: string[]): Promise<ServeProcess> {
  serving = await startServeProcess([site.root, '--port', '0', '--quiet', ...extra]);
  return serving;
}

/**
 * Rewrites the fragment in one of three ways: other bytes of another size and a new mtime; the same size with
 * an older mtime (`cp -p` of an older file); the same size with the mtime it had (`rsync -t`, `tar x`).
 */
function changeFragment(round: number): void {
  const file = site.path(fragmentOf(round));
  const before = statSync(file);
  const text = `v${String(round).padStart(4, '0')}`;
  const kind = round % 3;
  writeFileSync(file, kind === 0 ? `${text}+${'x'.repeat(round % 7)}` : text);
  if (kind === 1) utimesSync(file, at(0), at(0) - round);
  if (kind === 2) utimesSync(file, before.atime, before.mtime);
}

/** `rounds` changes, each revalidated 30 ms later with If-None-Match and with If-Modified-Since; the stale 304s. */
async function staleRevalidations(url: string, rounds: number): Promise<string[]> {
  const stale: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const page = `/p${round}/`;
    const first = await request(url).get(page).set('Connection', 'close');
    expect(first.status).toBe(200);
    changeFragment(round);
    await pause(30);
    const byTag = await request(url)
      .get(page)
      .set('If-None-Match', first.headers.etag)
      .set('Connection', 'close');
    // A response dated within the current second carries no Last-Modified: nothing to revalidate by date then.
    const lastModified: string | undefined = first.headers['last-modified'];
    const byDate =
      lastModified === undefined
        ? undefined
        : await request(url).get(page).set('If-Modified-Since', lastModified).set('Connection', 'close');
    if (byTag.status === 304) stale.push(`round ${round}: If-None-Match answered 304`);
    if (byDate?.status === 304) stale.push(`round ${round}: If-Modified-Since answered 304`);
    // The body served now is the fragment on disk.
    if (byTag.status === 200) expect(byTag.text).toContain(`v${String(round).padStart(4, '0')}`);
  }
  return stale;
}

describe('serve, default settings: change a nested fragment, revalidate 30 ms later', () => {
  it('100 rounds of size, older-mtime and same-mtime rewrites › no stale 304', async () => {
    const { url } = await startServe([]);
    expect(await staleRevalidations(url, ROUNDS)).toEqual([]);
  });

  it('--workers 2, each worker watching for itself › no stale 304', async () => {
    const { url } = await startServe(['--workers', '2']);
    expect(await staleRevalidations(url, 30)).toEqual([]);
  });
});

describe('serve where the docroot has more folders than it watches (4096)', () => {
  it('› says so once on stderr and re-checks files within the revalidation window instead', async () => {
    for (let folder = 0; folder < 4100; folder++)
      mkdirSync(site.path(`bulk/${folder % 50}/${folder}`), { recursive: true });
    const { url, output } = await startServe([]);
    await waitForText(output, 'file change notifications unavailable');
    expect(output.join('')).toContain(
      '(more than 4096 folders to watch); re-checking the files of a cached response at most every 1000 ms',
    );
    const first = await request(url).get('/p1/').set('Connection', 'close');
    changeFragment(1);
    const deadline = Date.now() + 3_000;
    let status = 304;
    while (status === 304 && Date.now() < deadline) {
      await pause(50);
      const reply = await request(url)
        .get('/p1/')
        .set('If-None-Match', first.headers.etag)
        .set('Connection', 'close');
      status = reply.status;
    }
    expect(status).toBe(200);
    expect(output.join('').split('notifications unavailable').length - 1).toBe(1);
  });
});

async function waitForText(output: string[], text: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!output.join('').includes(text) && Date.now() < deadline) await pause(20);
}
