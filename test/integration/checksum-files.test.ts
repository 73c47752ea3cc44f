// `PATH.sha256` through the app, checked by the real `sha256sum -c` (GNU coreutils) against what PATH served: for a
// file held in memory, a file streamed from disk and an SSI page. A real file of that name wins; a page whose bytes
// depend on the request, or a missing subject, has none (404); it revalidates like any representation.

import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApp } from '../../src/server/app';
import { closeServer, listenOnFreePort } from '../support/listening-server';
import { rawRequest } from '../support/raw-request';
import { at, TempSite } from '../support/temp-site';

const run = promisify(execFile);

let site: TempSite;
let origin: Server;
let downloads: string;
// The render cache on (watching the docroot: the subject comes from the cache once it was served) and off.
const SETTINGS = { cached: { watchFiles: true }, uncached: { watchFiles: false, cacheSize: 0 } };

beforeAll(() => {
  site = new TempSite()
    .write('files/notes.txt', 'some notes\n'.repeat(20), at(1))
    .write('files/big.bin', Buffer.alloc(8192, 7), at(2))
    .write('page.shtml', 'page <!--#include virtual="/inc/f.html" --> end\n', at(3))
    .write('inc/f.html', 'fragment', at(4))
    .write('now.shtml', 'it is <!--#echo var="DATE_GMT" -->\n', at(5))
    .write('own.txt', 'own\n', at(6))
    .write('own.txt.sha256', 'a checksum file of the site itself\n', at(7));
  downloads = mkdtempSync(join(tmpdir(), 'cdn-include-downloads-'));
});

afterAll(() => {
  site.remove();
  rmSync(downloads, { recursive: true, force: true });
});

/** Downloads `path` and `path.sha256` into the downloads folder, as a user would, and runs `sha256sum -c`. */
async function verify(path: string, tamper = false): Promise<{ code: number; output: string }> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const file = await rawRequest(origin, path);
  const checksum = await rawRequest(origin, `${path}.sha256`);
  expect(checksum.status).toBe(200);
  expect(checksum.headers['content-type']).toBe('text/plain; charset=utf-8');
  const bytes = Buffer.from(file.body);
  if (tamper) bytes[0] ^= 1;
  writeFileSync(join(downloads, name), bytes);
  writeFileSync(join(downloads, `${name}.sha256`), checksum.body);
  try {
    const { stdout } = await run('sha256sum', ['-c', `${name}.sha256`], { cwd: downloads });
    return { code: 0, output: stdout };
  } catch (err) {
    const failed = err as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}

describe.each(Object.entries(SETTINGS))('PATH.sha256, render cache %s', (_, settings) => {
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    app = createApp({ root: site.root, streamThreshold: 4096, ...settings });
    origin = await listenOnFreePort(app.callback());
  });
  afterAll(async () => {
    await closeServer(origin);
    app.ssi.close();
  });

  it.each([
    ['a file held in memory', '/files/notes.txt', 'notes.txt'],
    ['a file streamed from disk', '/files/big.bin', 'big.bin'],
    ['an SSI page, as expanded', '/page.shtml', 'page.shtml'],
  ])('%s › sha256sum -c accepts the download; a flipped bit fails it', async (__, path, name) => {
    expect(await verify(path)).toEqual({ code: 0, output: `${name}: OK\n` });
    expect((await verify(path, true)).code).toBe(1);
  });

  it('a real file of that name › served as it is', async () => {
    expect((await rawRequest(origin, '/own.txt.sha256')).body.toString()).toBe(
      'a checksum file of the site itself\n',
    );
  });

  it.each([
    ['a page whose bytes depend on the request (the clock)', '/now.shtml.sha256'],
    ['a missing subject', '/nothing.txt.sha256'],
    ['a folder', '/files/.sha256'],
  ])('%s › 404', async (__, target) => {
    expect((await rawRequest(origin, target)).status).toBe(404);
  });

  it('revalidation › 304 for its ETag; HEAD the headers of GET', async () => {
    const full = await rawRequest(origin, '/files/notes.txt.sha256');
    const etag = full.headers.etag as string;
    expect((await rawRequest(origin, '/files/notes.txt.sha256', { 'If-None-Match': etag })).status).toBe(304);
    const head = await rawRequest(origin, '/files/notes.txt.sha256', {}, 'HEAD');
    expect(head.headers.etag).toBe(etag);
    expect(head.headers['content-length']).toBe(String(full.body.length));
  });
});

describe('PATH.sha256 under a flood (render cache on)', () => {
  it('many requests for the checksum of a page never asked for itself › the page is built once', async () => {
    const built: string[] = [];
    const app = createApp({ root: site.root, watchFiles: true, onPageBuilt: ({ path }) => built.push(path) });
    const server = await listenOnFreePort(app.callback());
    // Responses of a docroot's first second (from its first request) are never kept, nor are those resting on a
    // file changed within its timestamp tick (2 s; the site was just written): flood after both.
    await rawRequest(server, '/inc/f.html');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    try {
      const answers = [];
      // Distinct query strings, as a flood would send them: the checksum is of the resource, whatever the query.
      for (let index = 0; index < 20; index++)
        answers.push(await rawRequest(server, `/page.shtml.sha256?n=${index}`));
      expect(new Set(answers.map((answer) => answer.body.toString())).size).toBe(1);
      expect(built.filter((path) => path === '/page.shtml')).toEqual(['/page.shtml']);
    } finally {
      await closeServer(server);
      app.ssi.close();
    }
  });
});
