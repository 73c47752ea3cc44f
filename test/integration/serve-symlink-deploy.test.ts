// `cdn-include serve` on a docroot given as a symlink (`current -> releases/N`, a Capistrano-style deploy): a switch
// and a rollback are served at the next request, and revalidated truthfully; SIGHUP reloads without stopping.

import { renameSync, symlinkSync, writeFileSync } from 'node:fs';
import request from 'supertest';
import { type RunningCli, startCli } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';

/** Points `current` at `releases/N` atomically, as deploy tools do: a new link under a temp name, renamed over. */
function switchTo(site: TempSite, release: number): void {
  symlinkSync(`releases/${release}`, site.path('current.next'));
  renameSync(site.path('current.next'), site.path('current'));
}

/** The Last-Modified of `path` once it carries one (a release's first second after a switch sends none). */
async function settledLastModified(url: string, path: string, body: string): Promise<string> {
  const deadline = Date.now() + 4000;
  for (;;) {
    const response = await request(url).get(path);
    expect(response.text).toBe(body);
    const lastModified: string | undefined = response.headers['last-modified'];
    if (lastModified !== undefined) return lastModified;
    if (Date.now() > deadline) throw new Error(`no Last-Modified for ${path} after 4 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('cdn-include serve › a docroot switched by symlink', () => {
  let site: TempSite;
  let serve: RunningCli | undefined;
  beforeEach(() => {
    // Release 2 is newer in every file; release 1 is what a rollback brings back.
    site = new TempSite()
      .write('releases/1/index.shtml', 'one <!--#include virtual="/inc/part.html" -->', at(1))
      .write('releases/1/inc/part.html', 'first', at(1))
      .write('releases/1/style.css', 'body { color: red }', at(1))
      .write('releases/2/index.shtml', 'two <!--#include virtual="/inc/part.html" -->', at(100))
      .write('releases/2/inc/part.html', 'second', at(100))
      .write('releases/2/style.css', 'body { color: blue }', at(100));
    switchTo(site, 1);
  });
  afterEach(async () => {
    serve?.stop('SIGTERM');
    await serve?.exitCode;
    serve = undefined;
    site.remove();
  });

  it('a switch › the next request serves the new release, page and static file alike', async () => {
    serve = await startCli(['serve', site.path('current'), '--port', '0', '--quiet'], 'http://');
    await request(serve.url).get('/').expect(200, 'one first');
    await request(serve.url).get('/style.css').expect(200, 'body { color: red }');
    switchTo(site, 2);
    await request(serve.url).get('/').expect(200, 'two second');
    await request(serve.url).get('/style.css').expect(200, 'body { color: blue }');
  });

  it.each(['/', '/style.css'])(
    'a rollback › %s serves the older release, and If-Modified-Since with the newer date gets 200, not 304',
    async (path) => {
      const [oldBody, newBody] =
        path === '/' ? ['one first', 'two second'] : ['body { color: red }', 'body { color: blue }'];
      serve = await startCli(['serve', site.path('current'), '--port', '0', '--quiet'], 'http://');
      await request(serve.url).get(path).expect(200, oldBody);
      switchTo(site, 2);
      const newer = await settledLastModified(serve.url, path, newBody);
      // The release's own validators still work: a revalidation of the bytes served is a 304.
      await request(serve.url).get(path).set('If-Modified-Since', newer).expect(304);
      switchTo(site, 1);
      const rolledBack = await request(serve.url).get(path).set('If-Modified-Since', newer);
      expect(rolledBack.status).toBe(200);
      expect(rolledBack.text).toBe(oldBody);
      // Once the rollback's second is over, its Last-Modified is later than the newer release's: still 200.
      const older = await settledLastModified(serve.url, path, oldBody);
      expect(Date.parse(older)).toBeGreaterThan(Date.parse(newer));
      const revalidated = await request(serve.url).get(path).set('If-Modified-Since', newer);
      expect(revalidated.status).toBe(200);
      expect(revalidated.text).toBe(oldBody);
      await request(serve.url).get(path).set('If-Modified-Since', older).expect(304);
    },
  );

  it('a symlink inside the docroot path (ROOT = current/public) › followed as well', async () => {
    site.write('releases/1/public/index.shtml', 'public one', at(1));
    site.write('releases/2/public/index.shtml', 'public two', at(100));
    serve = await startCli(['serve', site.path('current/public'), '--port', '0', '--quiet'], 'http://');
    await request(serve.url).get('/').expect(200, 'public one');
    switchTo(site, 2);
    await request(serve.url).get('/').expect(200, 'public two');
  });

  it('SIGHUP › keeps serving, drops caches and reads the config file again; a bad config file is one line', async () => {
    const config = site.path('cdn-include.json');
    writeFileSync(config, JSON.stringify({ cacheControl: 'public, max-age=10' }));
    serve = await startCli(['serve', site.path('current'), '--port', '0', '--config', config], 'http://');
    const first = await request(serve.url).get('/').expect(200, 'one first');
    expect(first.headers['cache-control']).toBe('public, max-age=10');
    writeFileSync(config, JSON.stringify({ cacheControl: 'public, max-age=20' }));
    serve.reload();
    const reloaded = await request(serve.url).get('/').expect(200, 'one first');
    expect(reloaded.headers['cache-control']).toBe('public, max-age=20');
    // A fragment rewritten with its old stamp kept is seen only because the caches were dropped.
    site.write('releases/1/inc/part.html', 'FIRST', at(1));
    serve.reload();
    await request(serve.url).get('/').expect(200, 'one FIRST');
    writeFileSync(config, '{ not json');
    const before = serve.stderr.length;
    serve.reload();
    const kept = await request(serve.url).get('/').expect(200, 'one FIRST');
    expect(kept.headers['cache-control']).toBe('public, max-age=20');
    const logged = serve.stderr.slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^cdn-include serve: reload kept the running configuration: .*\n$/);
  });
});
