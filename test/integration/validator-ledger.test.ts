// The validator ledger through the middleware: two apps on one state folder stand for two workers or a restart.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FolderLedgerStore } from '../../src/engine/folder-ledger-store';
import { createApp } from '../../src/server/app';
import { at, TempSite } from '../support/temp-site';

let site: TempSite;
let state: string;

beforeEach(() => {
  site = new TempSite();
  site
    .write('index.shtml', 'home <!--#include virtual="/inc/a.html" -->', at(100))
    .write('inc/a.html', 'fragment one', at(300))
    .write('style.css', 'body{color:red}', at(200));
  state = mkdtempSync(join(tmpdir(), 'ledger-state-'));
});

afterEach(() => {
  site.remove();
  rmSync(state, { recursive: true, force: true });
});

/** An app as one process of `serve` runs it: its own caches, the ledger in the shared state folder. */
function process() {
  return request(createApp({ root: site.root, validatorStore: new FolderLedgerStore(state) }).callback());
}

/** Waits until the clock enters the next second, so new bytes can be dated later than the old ones. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

describe.each([
  [
    'a page, older fragment swapped in',
    '/index.shtml',
    () => site.write('inc/a.html', 'fragment two', at(250)),
  ],
  ['a page, nested include deleted', '/index.shtml', () => rmSync(site.path('inc/a.html'))],
  [
    'a static file, older copy swapped in',
    '/style.css',
    () => site.write('style.css', 'body{color:blue}', at(150)),
  ],
])('%s', (_name, path, swap) => {
  it('another process that never saw the old bytes › If-Modified-Since with their date gets 200, dated later', async () => {
    const first = await process().get(path).expect(200);
    await nextSecond();
    swap();
    // A new process: a restart, or a worker that never served the old bytes.
    const replay = await process()
      .get(path)
      .set('If-Modified-Since', first.headers['last-modified'])
      .expect(200);
    expect(replay.headers.etag).not.toBe(first.headers.etag);
    expect(Date.parse(replay.headers['last-modified'])).toBeGreaterThan(
      Date.parse(first.headers['last-modified']),
    );
  });
});

it('the same bytes in another process › the same ETag and Last-Modified, and their date answered 304', async () => {
  const first = await process().get('/index.shtml').expect(200);
  const second = await process().get('/index.shtml').set('If-Modified-Since', first.headers.date).expect(304);
  expect(second.headers.etag).toBe(first.headers.etag);
  expect(second.headers['last-modified']).toBe(first.headers['last-modified']);
});

it('the state folder deleted, then an older fragment swapped in › If-Modified-Since with the old date gets 200', async () => {
  const first = await process().get('/index.shtml').expect(200);
  rmSync(state, { recursive: true, force: true });
  site.write('inc/a.html', 'fragment two', at(250));
  await process().get('/index.shtml').set('If-Modified-Since', first.headers['last-modified']).expect(200);
});

it('a flood of query strings on a page that reads none › one record in the state folder', async () => {
  const app = process();
  for (let index = 0; index < 200; index++) await app.get(`/index.shtml?utm=${index}`).expect(200);
  const pages = join(state, 'pages');
  const files = readdirSync(pages).flatMap((folder) => readdirSync(join(pages, folder)));
  expect(files).toHaveLength(1);
});
