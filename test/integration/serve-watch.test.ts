// `cdn-include serve --watch` end to end: a changed fragment is logged with its pages, the render cache drops
// them at once, and each page is purged at a local receiver that fails the first request.

import { rmSync, writeFileSync } from 'node:fs';
import { type Server } from 'node:http';
import request from 'supertest';
import { tagOf } from '../../src/server/purge-tags';
import { type RunningCli, runCliOnce, startCli } from '../support/running-cli';
import { startPurgeReceiver } from '../support/purge-receiver';
import { at, TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

/** `cdn-include serve --quiet ...args` on a free port, once it watches. */
function startServe(args: string[]): Promise<RunningCli> {
  return startCli(['serve', ...args, '--port', '0', '--quiet'], 'watching ');
}

describe('cdn-include serve --watch', () => {
  let site: TempSite;
  let receiver: Server | undefined;
  beforeEach(() => {
    site = new TempSite()
      .write('index.shtml', 'home <!--#include virtual="/inc/nav.html" -->', at(1))
      .write('about.shtml', 'about <!--#include virtual="/inc/nav.html" -->', at(1))
      .write('other.shtml', 'other', at(1))
      .write('inc/nav.html', 'nav 1', at(2));
  });
  // A server a failed test left running is stopped here, so its watcher and timers do not outlive the test.
  let serving: RunningCli | undefined;
  afterEach(async () => {
    serving?.stop('SIGTERM');
    await serving?.exitCode;
    serving = undefined;
    receiver?.close();
    site.remove();
  });

  it('when a fragment changes › logs its pages, serves the change at once, and purges each page (retrying a failure)', async () => {
    const purge = await startPurgeReceiver((n) => (n === 1 ? 503 : 200));
    receiver = purge.server;
    const { received, url: purgeUrl } = purge;
    // A long revalidation window: only the watcher can make the change show before it ends.
    const serve = await startServe([
      site.root,
      '--watch',
      '--purge-url',
      purgeUrl,
      '--revalidate-window',
      '600000',
    ]);
    expect(serve.stdout.join('')).toContain(
      `watching ${site.root}; purging affected pages with PURGE ${purgeUrl}`,
    );
    for (const path of ['/', '/about.shtml', '/other.shtml'])
      expect((await request(serve.url).get(path)).status).toBe(200);

    writeFileSync(site.path('inc/nav.html'), 'nav 2');
    await waitFor(() => serve.stdout.join('').includes('changed /inc/nav.html'), 'the change line');
    expect(serve.stdout.join('')).toContain('changed /inc/nav.html → 2 pages: /, /about.shtml\n');
    expect((await request(serve.url).get('/')).text).toBe('home nav 2');

    await waitFor(
      () =>
        serve.stdout.join('').includes('purged /about.shtml') && serve.stdout.join('').includes('purged / '),
      'both purges',
      5000,
    );
    const purged = received.map((req) => [
      req.method,
      req.headers['x-purge-url'],
      req.headers['x-purge-tag'],
    ]);
    expect(purged).toEqual(
      expect.arrayContaining([
        ['PURGE', '/', tagOf('/index.shtml')],
        ['PURGE', '/about.shtml', tagOf('/about.shtml')],
      ]),
    );
    expect(serve.stderr.join('')).toMatch(
      /purge of \/(about\.shtml)? \(tag [0-9a-f]{12}\) failed: answered 503; retrying in \d+ ms/,
    );
    serve.stop('SIGINT');
    expect(await serve.exitCode).toBe(0);
  });

  it('when the docroot is deleted and recreated › says so, serves the new files, and watches the new folder', async () => {
    const serve = (serving = await startServe([site.root, '--watch', '--revalidate-window', '600000']));
    expect((await request(serve.url).get('/')).text).toBe('home nav 1');

    rmSync(site.root, { recursive: true, force: true });
    await waitFor(() => serve.stderr.join('').includes('watch: cannot watch'), 'the warning', 10_000);
    expect(serve.stderr.join('')).toContain(
      `watch: cannot watch ${site.root} (${site.root} went away); checking its files every 2 s instead ` +
        '(cached responses are re-checked against their files after 600000 ms, as --revalidate-window says), ' +
        'and trying to watch again\n',
    );
    site
      .write('index.shtml', 'new home <!--#include virtual="/inc/nav.html" -->', at(5))
      .write('inc/nav.html', 'nav A', at(5));
    await waitFor(
      () => serve.stdout.join('').includes(`watch: watching ${site.root} again`),
      'the recovery',
      15_000,
    );
    // The new folder's files were reported as changed: the cached page was dropped despite the long window.
    expect((await request(serve.url).get('/')).text).toBe('new home nav A');
    const seenBefore = serve.stdout.join('').length;
    writeFileSync(site.path('inc/nav.html'), 'nav B');
    await waitFor(
      () => serve.stdout.join('').slice(seenBefore).includes('changed /inc/nav.html → 1 page: /'),
      'a change seen by the new watch',
    );
    expect((await request(serve.url).get('/')).text).toBe('new home nav B');
    expect(serve.stderr.join('').match(/watch: cannot watch/g)).toHaveLength(1);
    serve.stop('SIGINT');
    expect(await serve.exitCode).toBe(0);
    // The watcher checks the root every 2 s and trusts a new watch after 1 s: a few seconds in all.
  }, 30_000);

  it('with a purge target but no --watch › is a usage error (exit 2)', async () => {
    const { code, stderr } = await runCliOnce(['serve', site.root, '--purge-url', 'http://127.0.0.1:1/']);
    expect(code).toBe(2);
    expect(stderr).toContain("a purge target needs '--watch'");
  });

  it.each([
    [['--watch', '--workers', '2'], "'--watch' needs a single process ('--workers 1')"],
    [
      ['--watch', '--purge-method', 'BAN'],
      "options '--purge-method' and '--purge-tag-header' need '--purge-url URL'",
    ],
    [
      ['--watch', '--purge-url', 'http://x/', '--purge-method', 'GET'],
      "option '--purge-method' needs PURGE or BAN, not 'GET'",
    ],
    [
      ['--watch', '--purge-url', 'ftp://x/'],
      "option '--purge-url' is not usable: must be an http:// or https:// URL",
    ],
  ])('with %j › a usage error: %s', async (args, message) => {
    const { code, stderr } = await runCliOnce(['serve', site.root, ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
