// `cdn-include build --watch` end to end: builds, then on a change logs the affected pages (from the manifest),
// re-renders them incrementally, purges them, and stops on SIGINT.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliOnce, startCli } from '../support/running-cli';
import { startPurgeReceiver } from '../support/purge-receiver';
import { at, TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

describe('cdn-include build --watch', () => {
  /** An output file's text, or undefined while it is being replaced. */
  const readOutput = (name: string): string | undefined => {
    try {
      return readFileSync(join(out, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  let site: TempSite;
  let out: string;
  let receiver: Server | undefined;
  beforeEach(() => {
    site = new TempSite()
      .write('index.shtml', 'home <!--#include virtual="/inc/nav.html" -->', at(1))
      .write('about.shtml', 'about <!--#include virtual="/inc/nav.html" -->', at(1))
      .write('other.shtml', 'other', at(1))
      .write('inc/nav.html', 'nav 1', at(2));
    out = mkdtempSync(join(tmpdir(), 'cdn-include-out-'));
  });
  afterEach(() => {
    receiver?.close();
    site.remove();
    rmSync(out, { recursive: true, force: true });
  });

  it('when a fragment changes › logs its pages, rebuilds only them, purges them, and stops on SIGINT with 0', async () => {
    const purge = await startPurgeReceiver();
    receiver = purge.server;
    const { received, url: purgeUrl } = purge;
    const { stdout, stderr, stop, exitCode } = await startCli(
      ['build', site.root, '--out', out, '--watch', '--purge-url', purgeUrl],
      'watching ',
    );
    expect(readFileSync(join(out, 'index.shtml'), 'utf8')).toBe('home nav 1');
    const before = stdout.length;

    writeFileSync(site.path('inc/nav.html'), 'nav 2');
    await waitFor(() => readOutput('about.shtml') === 'about nav 2', 'the rebuild');
    await waitFor(() => received.length >= 3, 'the purges');
    const after = stdout.slice(before).join('');
    expect(after).toContain('changed /inc/nav.html → 3 pages: /, /about.shtml, /index.shtml\n');
    expect(after).toMatch(/rendered \/about\.shtml /);
    expect(after).not.toMatch(/rendered \/other\.shtml /);
    expect(received.map((req) => req.headers['x-purge-url']).sort()).toEqual([
      '/',
      '/about.shtml',
      '/index.shtml',
    ]);
    expect(stderr.join('')).toBe('');

    stop('SIGINT');
    expect(await exitCode).toBe(0);
  });

  it('with --manifest › is a usage error (build reads its own)', async () => {
    const { code, stderr } = await runCliOnce([
      'build',
      site.root,
      '--out',
      out,
      '--watch',
      '--manifest',
      'm.json',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("option '--manifest' is for serve");
  });
});
