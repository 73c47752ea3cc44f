// `build --git-times` and `--previous-manifest` on real git clones: two clones of one commit, checked out at
// different times, build identical files, mtimes and manifests; Last-Modified never moves backward across deploys.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GitCheckout } from '../support/git-checkout';
import { runCliOnce } from '../support/running-cli';
import { TempSite } from '../support/temp-site';

const T1 = 1_600_000_000;
const T2 = 1_600_100_000;
const T3 = 1_600_200_000;
const MANIFEST = '.cdn-include-manifest.json';

/** Every file below `root`, with its bytes and mtime, by relative path. */
function snapshot(root: string): Record<string, { text: string; mtimeMs: number }> {
  const files: Record<string, { text: string; mtimeMs: number }> = {};
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else
        files[relative(root, full)] = {
          text: readFileSync(full, 'latin1'),
          mtimeMs: statSync(full).mtimeMs,
        };
    }
  };
  visit(root);
  return files;
}

describe('build --git-times', () => {
  let origin: GitCheckout;
  const cleanup: Array<{ remove(): void }> = [];
  const clone = (checkoutSeconds: number): GitCheckout => {
    const made = GitCheckout.clone(origin, checkoutSeconds);
    cleanup.push(made);
    return made;
  };
  const folder = (): TempSite => {
    const made = new TempSite();
    cleanup.push(made);
    return made;
  };

  beforeEach(() => {
    origin = GitCheckout.init()
      .write(
        'site/index.shtml',
        'I<!--#include virtual="/inc/nav.html" --><!--#echo var="DATE_LOCAL" -->',
        T1,
      )
      .write('site/inc/nav.html', 'nav-1', T1)
      .write('site/style.css', 'body{}', T1)
      .commit('first', T1)
      .write('site/inc/nav.html', 'nav-2', T2)
      .commit('second', T2)
      // A commit outside the docroot: the newest commit, so the build's clock, touches no file of the site.
      .write('README.md', 'readme', T3)
      .commit('third', T3);
    cleanup.push(origin);
  });
  afterEach(() => {
    for (const item of cleanup.splice(0)) item.remove();
  });

  it('two clones checked out at different times › byte-identical pages, identical mtimes, identical manifest', async () => {
    const [first, second] = [clone(1_700_000_000), clone(1_700_500_000)];
    const [out1, out2] = [folder(), folder()];
    expect((await runCliOnce(['build', first.path('site'), '--out', out1.root, '--git-times'])).code).toBe(0);
    expect((await runCliOnce(['build', second.path('site'), '--out', out2.root, '--git-times'])).code).toBe(
      0,
    );

    // The manifest's own mtime is when it was written; its text is compared with the rest.
    const [files1, files2] = [snapshot(out1.root), snapshot(out2.root)];
    files1[MANIFEST].mtimeMs = files2[MANIFEST].mtimeMs;
    expect(files1).toEqual(files2);
    expect(statSync(out1.path('index.shtml')).mtimeMs).toBe(T2 * 1000);
    expect(statSync(out1.path('style.css')).mtimeMs).toBe(T1 * 1000);
    const manifest = JSON.parse(readFileSync(out1.path(MANIFEST), 'utf8'));
    expect(manifest.builtAt).toBe(new Date(T3 * 1000).toUTCString());
    expect(readFileSync(out1.path(MANIFEST), 'utf8')).not.toContain(first.root);
  });

  it('without --git-times › the checkout time leaks into mtimes and manifest (the finding)', async () => {
    const [first, second] = [clone(1_700_000_000), clone(1_700_500_000)];
    const [out1, out2] = [folder(), folder()];
    await runCliOnce(['build', first.path('site'), '--out', out1.root]);
    await runCliOnce(['build', second.path('site'), '--out', out2.root]);
    expect(statSync(out1.path('style.css')).mtimeMs).not.toBe(statSync(out2.path('style.css')).mtimeMs);
    expect(readFileSync(out1.path(MANIFEST), 'utf8')).not.toBe(readFileSync(out2.path(MANIFEST), 'utf8'));
  });

  it('a modified and an untracked file › keep their own mtimes, and the page including one follows it', async () => {
    const checkout = clone(1_700_000_000);
    checkout.write('site/inc/nav.html', 'nav-local', 1_700_000_123);
    checkout.write('site/new.css', 'new', 1_700_000_456);
    const out = folder();
    expect((await runCliOnce(['build', checkout.path('site'), '--out', out.root, '--git-times'])).code).toBe(
      0,
    );
    expect(statSync(out.path('index.shtml')).mtimeMs).toBe(1_700_000_123 * 1000);
    expect(statSync(out.path('new.css')).mtimeMs).toBe(1_700_000_456 * 1000);
    expect(statSync(out.path('style.css')).mtimeMs).toBe(T1 * 1000);
  });

  it('a docroot outside any git work tree › one usage line, exit 2', async () => {
    const plain = folder().write('a.shtml', 'A', T1);
    const out = folder();
    const result = await runCliOnce(['build', plain.root, '--out', out.root, '--git-times']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--git-times');
  });
});

describe('build --previous-manifest', () => {
  const cleanup: Array<{ remove(): void }> = [];
  afterEach(() => {
    for (const item of cleanup.splice(0)) item.remove();
  });

  it('new bytes with an older commit time, built into an empty folder › Last-Modified still moves forward', async () => {
    const origin = GitCheckout.init()
      .write('site/index.shtml', 'I<!--#include virtual="/nav.html" -->', T1)
      .write('site/nav.html', 'nav-1', T2)
      .commit('deployed', T2);
    const deployed = new TempSite();
    cleanup.push(origin, deployed);
    expect(
      (await runCliOnce(['build', origin.path('site'), '--out', deployed.root, '--git-times'])).code,
    ).toBe(0);
    const before = JSON.parse(readFileSync(deployed.path(MANIFEST), 'utf8')).pages['/index.shtml'];
    expect(before.lastModifiedMs).toBe(T2 * 1000);

    // A commit dated before the deployed one (a rebase, a skewed clock, a revert of a cherry-pick).
    origin.write('site/nav.html', 'nav-2', T1).commit('older date', T1 + 10);
    const [continued, fresh] = [new TempSite(), new TempSite()];
    cleanup.push(continued, fresh);
    const args = ['build', origin.path('site'), '--git-times'];
    const result = await runCliOnce([
      ...args,
      '--out',
      continued.root,
      '--previous-manifest',
      deployed.path(MANIFEST),
    ]);
    expect(result.code).toBe(0);
    await runCliOnce([...args, '--out', fresh.root]);

    const after = JSON.parse(readFileSync(continued.path(MANIFEST), 'utf8')).pages['/index.shtml'];
    expect(after.etag).not.toBe(before.etag);
    expect(after.lastModifiedMs).toBeGreaterThan(before.lastModifiedMs);
    expect(statSync(continued.path('index.shtml')).mtimeMs).toBe(after.lastModifiedMs);
    // Without the previous manifest the same build goes backward: what the option is for.
    expect(statSync(fresh.path('index.shtml')).mtimeMs).toBeLessThan(before.lastModifiedMs);
  });

  it('unchanged bytes › keep the deployed Last-Modified', async () => {
    const origin = GitCheckout.init()
      .write('site/index.shtml', 'I<!--#include virtual="/nav.html" -->', T1)
      .write('site/nav.html', 'nav-1', T2)
      .commit('deployed', T2);
    const [deployed, next] = [new TempSite(), new TempSite()];
    cleanup.push(origin, deployed, next);
    await runCliOnce(['build', origin.path('site'), '--out', deployed.root]);
    const before = JSON.parse(readFileSync(deployed.path(MANIFEST), 'utf8')).pages['/index.shtml'];
    origin.write('site/nav.html', 'nav-1', T1 - 100);
    const args = ['build', origin.path('site'), '--out', next.root];
    await runCliOnce([...args, '--previous-manifest', deployed.path(MANIFEST)]);
    const after = JSON.parse(readFileSync(next.path(MANIFEST), 'utf8')).pages['/index.shtml'];
    expect(after.etag).toBe(before.etag);
    expect(after.lastModifiedMs).toBe(before.lastModifiedMs);
  });

  it('an unreadable previous manifest › one usage line, exit 2', async () => {
    const [site, out] = [new TempSite().write('a.shtml', 'A', T1), new TempSite()];
    cleanup.push(site, out);
    const result = await runCliOnce([
      'build',
      site.root,
      '--out',
      out.root,
      '--previous-manifest',
      '/nonexistent/m.json',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
