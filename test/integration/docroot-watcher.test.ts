// The docroot watcher on a real folder: coalesced, debounced batches of docroot paths; dotfiles and excluded
// folders skipped.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { type DocrootWatcher, watchDocroot } from '../../src/engine/docroot-watcher';
import { TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

describe('watchDocroot', () => {
  let site: TempSite;
  let watcher: DocrootWatcher | undefined;
  let batches: string[][];

  beforeEach(() => {
    site = new TempSite().write('index.shtml', 'home').write('inc/nav.html', 'nav');
    batches = [];
  });
  afterEach(() => {
    watcher?.close();
    site.remove();
  });

  const seen = () => new Set(batches.flat());

  it('when files change in a burst › reports their docroot paths once, sorted, in one batch', async () => {
    watcher = watchDocroot(site.root, { onChange: (paths) => batches.push(paths), debounceMs: 100 });
    writeFileSync(site.path('inc/nav.html'), 'nav 2');
    writeFileSync(site.path('index.shtml'), 'home 2');
    await waitFor(() => seen().has('/inc/nav.html') && seen().has('/index.shtml'), 'both changes');
    expect(batches[0]).toEqual(['/inc/nav.html', '/index.shtml']);
  });

  it('when a file appears in a new folder or is removed › reports it', async () => {
    watcher = watchDocroot(site.root, { onChange: (paths) => batches.push(paths) });
    mkdirSync(site.path('news'));
    writeFileSync(site.path('news/index.shtml'), 'news');
    await waitFor(() => seen().has('/news/index.shtml') || seen().has('/news'), 'the new folder');
    rmSync(site.path('inc/nav.html'));
    await waitFor(() => seen().has('/inc/nav.html'), 'the removal');
  });

  it('when dotfiles or excluded folders change › reports nothing for them', async () => {
    mkdirSync(site.path('dist'));
    watcher = watchDocroot(site.root, {
      onChange: (paths) => batches.push(paths),
      exclude: [site.path('dist')],
    });
    writeFileSync(site.path('.hidden.swp'), 'x');
    mkdirSync(site.path('.git'));
    writeFileSync(site.path('.git/HEAD'), 'x');
    writeFileSync(site.path('dist/index.shtml'), 'built');
    writeFileSync(site.path('inc/nav.html'), 'nav 3');
    await waitFor(() => seen().has('/inc/nav.html'), 'the visible change');
    expect([...seen()]).toEqual(['/inc/nav.html']);
  });

  it('when a file under /.well-known/ changes › reports it, as the server serves it', async () => {
    site.write('.well-known/security.txt', 'Contact: a');
    watcher = watchDocroot(site.root, { onChange: (paths) => batches.push(paths) });
    writeFileSync(site.path('.well-known/security.txt'), 'Contact: b');
    await waitFor(() => seen().has('/.well-known/security.txt'), 'the /.well-known/ change');
  });

  it('when closed › reports nothing more', async () => {
    watcher = watchDocroot(site.root, { onChange: (paths) => batches.push(paths) });
    watcher.close();
    writeFileSync(site.path('inc/nav.html'), 'nav 4');
    // A bounded wait well past the debounce: nothing may arrive.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(batches).toEqual([]);
  });
});
