// The ssi() middleware on a real docroot: file notifications keep its caches current without a stat per hit;
// a failing watcher is reported once and the revalidation window takes over; each release's watch is closed
// when a symlink switch replaces it, and close() ends the last one.

import Koa from 'koa';
import { renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import request from 'supertest';
import { type ChangeFeedStatus, type StartFolderWatch } from '../../src/engine/change-feed';
import { watchFolders } from '../../src/engine/folder-watch';
import { ssi, type SsiMiddleware, type SsiOptions } from '../../src/server/ssi-middleware';
import { at, TempSite } from '../support/temp-site';

let site: TempSite;
let server: Server | undefined;
let middleware: SsiMiddleware | undefined;

beforeEach(() => {
  site = new TempSite()
    .write('index.shtml', 'page <!--#include virtual="/inc/a/nav.html" -->', at(1))
    .write('inc/a/nav.html', 'one', at(2));
});

afterEach(async () => {
  middleware?.close();
  middleware = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  site.remove();
});

async function start(options: Partial<SsiOptions>): Promise<Server> {
  middleware = ssi({ root: site.root, ...options });
  const app = new Koa().use(middleware);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server?.once('listening', resolve));
  return server;
}

/** Rewrites the fragment to the same size and gives it back its old mtime, as `rsync -t` or `cp -p` would. */
function swapFragment(content: string): void {
  writeFileSync(site.path('inc/a/nav.html'), content);
  utimesSync(site.path('inc/a/nav.html'), at(2), at(2));
}

/** GETs `/` until its body is `expected` (the change may be read a loop turn later), for 2 s at most. */
async function untilBody(listening: Server, expected: string): Promise<string> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const reply = await request(listening).get('/');
    if (reply.text === expected || Date.now() > deadline) return reply.text;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ssi() with file notifications (the default with root)', () => {
  // A file changed within the last timestamp tick (2 s) is never cached (its stamp is racy): let them age.
  beforeEach(() => new Promise((resolve) => setTimeout(resolve, 2_100)));

  it('a fragment swapped under a cached page, with a revalidation window of a minute › shown at once', async () => {
    const listening = await start({ revalidateWindow: 60_000 });
    expect((await request(listening).get('/')).text).toBe('page one');
    swapFragment('two');
    expect(await untilBody(listening, 'page two')).toBe('page two');
  });

  it('watchFiles: false › the window alone decides (the swap stays unseen within it)', async () => {
    const listening = await start({ revalidateWindow: 60_000, watchFiles: false });
    expect((await request(listening).get('/')).text).toBe('page one');
    swapFragment('two');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await request(listening).get('/')).text).toBe('page one');
  });
});

describe('ssi() where watching fails', () => {
  const failing: StartFolderWatch = () => {
    throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
      code: 'ENOSPC',
    });
  };

  it('› reported once through onWatchStatus, and the files are stamped within revalidateWindow', async () => {
    const statuses: ChangeFeedStatus[] = [];
    const listening = await start({
      startWatch: failing,
      revalidateWindow: 0,
      onWatchStatus: (status) => void statuses.push(status),
    });
    expect((await request(listening).get('/')).text).toBe('page one');
    swapFragment('two');
    expect((await request(listening).get('/')).text).toBe('page two');
    expect(statuses).toEqual([
      { kind: 'unavailable', reason: 'ENOSPC: System limit for number of file watchers reached' },
    ]);
  });
});

describe('ssi() following a symlinked docroot', () => {
  it('a switch › the old release’s watch is closed; close() › the current one too', async () => {
    site.write('releases/1/index.shtml', 'one').write('releases/2/index.shtml', 'two');
    symlinkSync('releases/1', site.path('current'));
    const open = new Set<string>();
    const counting: StartFolderWatch = (root, listener, skip, options) => {
      const watch = watchFolders(root, listener, skip, options);
      open.add(root);
      return {
        on: (event, handler) => watch.on(event, handler),
        close: () => (open.delete(root), watch.close()),
      };
    };
    middleware = ssi({ root: site.path('current'), startWatch: counting });
    server = new Koa().use(middleware).listen(0, '127.0.0.1');
    await new Promise((resolve) => server?.once('listening', resolve));
    expect((await request(server).get('/')).text).toBe('one');
    expect([...open]).toEqual([site.path('releases/1')]);
    symlinkSync('releases/2', site.path('current.next'));
    renameSync(site.path('current.next'), site.path('current'));
    await new Promise((resolve) => setImmediate(resolve));
    expect((await request(server).get('/')).text).toBe('two');
    expect([...open]).toEqual([site.path('releases/2')]);
    middleware.close();
    expect(open.size).toBe(0);
  });
});
