// buildSite over in-memory ports: outputs, validators as mtimes, and what an incremental build redoes.

import { createHash } from 'node:crypto';
import { expectedEntityTag } from '../../support/expected-entity-tag';
import { type FileContent, type FileLookup, type FileSource } from '../../../src/engine/file-source';
import { renderPage } from '../../../src/engine/render';
import { type BuildOptions, type BuildSession } from '../../../src/site-build/build-options';
import { type BuildReport } from '../../../src/site-build/build-report';
import { buildSite } from '../../../src/site-build/build-site';
import { parseManifest, serializeManifest } from '../../../src/site-build/manifest';
import { MemoryOutputFs } from '../../support/memory-output-fs';
import { MemorySite } from '../../support/memory-site';

const BASE = Date.UTC(2025, 0, 1);
const DIGESTS = '/.well-known/cdn-include/manifest.json';
const FIRST_BUILD = BASE + 100_000;
const SECOND_BUILD = BASE + 200_000;
const PAGES = [
  '/about.shtml',
  '/clock.shtml',
  '/inc/nav.shtml',
  '/index.shtml',
  '/news/index.shtml',
  '/solo.shtml',
];

function createSite(): MemorySite {
  return new MemorySite({
    '/index.shtml': { content: '<!--#include virtual="/inc/header.html" -->Home', mtimeMs: BASE + 1_500 },
    '/news/index.shtml': { content: '<!--#include virtual="/inc/nav.shtml" -->News', mtimeMs: BASE + 2_000 },
    '/inc/nav.shtml': { content: '<!--#include virtual="header.html" -->Nav', mtimeMs: BASE + 3_000 },
    '/inc/header.html': { content: '<h1>Site</h1>', mtimeMs: BASE + 5_700 },
    '/about.shtml': { content: 'Updated <!--#flastmod virtual="/data.txt" -->', mtimeMs: BASE + 1_000 },
    '/data.txt': { content: 'numbers', mtimeMs: BASE + 4_000 },
    '/solo.shtml': { content: 'Solo<!--#include virtual="/later.html" -->', mtimeMs: BASE + 6_250 },
    '/clock.shtml': { content: 'Now <!--#echo var="DATE_GMT" -->', mtimeMs: BASE + 1_000 },
    '/css/site.css': { content: 'body{}', mtimeMs: BASE + 7_123 },
    '/.git/config': { content: 'secret', mtimeMs: BASE },
  });
}

function build(
  site: MemorySite,
  output: MemoryOutputFs,
  now: number,
  extra: Partial<BuildOptions> = {},
): Promise<BuildReport> {
  return buildSite({ source: site, lister: site, output, now, ...extra });
}

function renderedPaths(report: BuildReport): string[] {
  return report.pages.filter((page) => page.rendered).map((page) => page.path);
}

function outputMtime(output: MemoryOutputFs, path: string): number | undefined {
  return output.files.get(path)?.mtimeMs;
}

describe('a first build', () => {
  it('each SSI page › is written under its own path with the bytes of a plain GET at build time', async () => {
    const site = createSite();
    const output = new MemoryOutputFs();
    const report = await build(site, output, FIRST_BUILD);
    expect(report.rendered).toBe(PAGES.length);
    expect(report.failures).toEqual([]);
    for (const path of PAGES) {
      const render = await renderPage({ path, time: FIRST_BUILD }, { source: site });
      if (render.status !== 'ok') throw new Error(`${path}: ${render.status}`);
      expect(output.files.get(path)?.bytes.toString()).toBe(render.body.toString());
    }
    expect(output.files.get('/index.shtml')?.bytes.toString()).toBe('<h1>Site</h1>Home');
  });

  it('each page › gets the newest dependency mtime, floored to the second, as its mtime', async () => {
    const output = new MemoryOutputFs();
    const report = await build(createSite(), output, FIRST_BUILD);
    expect(outputMtime(output, '/index.shtml')).toBe(BASE + 5_000);
    expect(outputMtime(output, '/news/index.shtml')).toBe(BASE + 5_000);
    expect(outputMtime(output, '/about.shtml')).toBe(BASE + 4_000);
    const index = report.pages.find((page) => page.path === '/index.shtml');
    expect(index).toMatchObject({
      lastModifiedMs: BASE + 5_000,
      lastModified: 'Wed, 01 Jan 2025 00:00:05 GMT',
    });
    expect(index?.etag).toMatch(/^"[^"]+"$/);
  });

  it('other files › are copied byte for byte with their own mtime', async () => {
    const output = new MemoryOutputFs();
    const report = await build(createSite(), output, FIRST_BUILD);
    expect(report.copied).toBe(3);
    expect(output.files.get('/css/site.css')).toEqual({
      bytes: Buffer.from('body{}'),
      mtimeMs: BASE + 7_123,
    });
  });

  it('hidden files › are neither rendered nor copied', async () => {
    const output = new MemoryOutputFs();
    await build(createSite(), output, FIRST_BUILD);
    expect(output.files.has('/.git/config')).toBe(false);
  });

  it('an output file already equal in size and mtime › is left alone', async () => {
    const output = new MemoryOutputFs();
    output.files.set('/css/site.css', { bytes: Buffer.from('BODY{}'), mtimeMs: BASE + 7_123 });
    const report = await build(createSite(), output, FIRST_BUILD);
    expect(report).toMatchObject({ copied: 2, unchanged: 1 });
  });

  it('the manifest › records each page with its validators and dependencies', async () => {
    const output = new MemoryOutputFs();
    await build(createSite(), output, FIRST_BUILD);
    const parsed = parseManifest(output.manifest ?? '');
    if (!parsed.ok) throw new Error(parsed.problem);
    const page = parsed.manifest.pages['/news/index.shtml'];
    expect(page).toMatchObject({
      lastModifiedMs: BASE + 5_000,
      lastModified: 'Wed, 01 Jan 2025 00:00:05 GMT',
    });
    expect(page.dependencies.map((dependency) => dependency.path)).toEqual([
      '/news/index.shtml',
      '/inc/nav.shtml',
      '/inc/header.html',
    ]);
    expect(parsed.manifest.files['/css/site.css']).toEqual({
      size: 6,
      mtimeMs: BASE + 7_123,
      sha256: createHash('sha256').update('body{}').digest('base64'),
      etag: expectedEntityTag('body{}'),
    });
  });
});

describe('a second build', () => {
  async function builtTwice(
    change: (site: MemorySite, output: MemoryOutputFs) => void,
    extra: Partial<BuildOptions> = {},
  ) {
    const site = createSite();
    const output = new MemoryOutputFs();
    const first = await build(site, output, FIRST_BUILD);
    change(site, output);
    const second = await build(site, output, SECOND_BUILD, extra);
    return { site, output, first, second };
  }

  it('with nothing changed › renders no page and copies no file', async () => {
    const { second } = await builtTwice(() => undefined);
    expect(second).toMatchObject({ rendered: 0, skipped: PAGES.length, copied: 0, unchanged: 3, removed: 0 });
  });

  it('with nothing changed › leaves the manifest and the digest manifest as the first build wrote them', async () => {
    const site = createSite();
    const output = new MemoryOutputFs();
    await build(site, output, FIRST_BUILD);
    const manifest = output.manifest;
    const digests = output.files.get(DIGESTS);
    await build(site, output, SECOND_BUILD);
    expect(output.manifest).toBe(manifest);
    expect(output.files.get(DIGESTS)).toBe(digests);
  });

  it('with nothing changed but ETags of an older form in the manifest › writes the manifest again', async () => {
    const { output } = await builtTwice((_site, output) => {
      const parsed = parseManifest(output.manifest ?? '');
      if (!parsed.ok) throw new Error(parsed.problem);
      parsed.manifest.pages['/index.shtml'].etag = '"0-older"';
      output.manifest = serializeManifest(parsed.manifest);
    });
    expect(output.manifest).not.toContain('"0-older"');
  });

  it('with nothing changed but the digest manifest gone › publishes it again', async () => {
    const { output } = await builtTwice((_site, output) => void output.files.delete(DIGESTS));
    expect(output.files.get(DIGESTS)?.mtimeMs).toBe(SECOND_BUILD);
  });

  it('after touching a shared fragment › re-renders exactly the pages including it, directly or nested', async () => {
    const { second, output } = await builtTwice((site) => site.touch('/inc/header.html', BASE + 50_000));
    expect(renderedPaths(second)).toEqual(['/inc/nav.shtml', '/index.shtml', '/news/index.shtml']);
    expect(second).toMatchObject({ copied: 1, skipped: PAGES.length - 3 });
    expect(outputMtime(output, '/news/index.shtml')).toBe(BASE + 50_000);
  });

  it('after a flastmod target changed › re-renders its page', async () => {
    const { second, first } = await builtTwice((site) =>
      site.write('/data.txt', 'more numbers', BASE + 90_000),
    );
    expect(renderedPaths(second)).toEqual(['/about.shtml']);
    expect(second.pages.find((page) => page.path === '/about.shtml')?.etag).not.toBe(
      first.pages.find((page) => page.path === '/about.shtml')?.etag,
    );
  });

  it('after a missing include appeared › re-renders the page with it', async () => {
    const { second, output } = await builtTwice((site) => site.write('/later.html', '!', BASE + 80_000));
    expect(renderedPaths(second)).toEqual(['/solo.shtml']);
    expect(output.files.get('/solo.shtml')?.bytes.toString()).toBe('Solo!');
    expect(second.pages.find((page) => page.path === '/solo.shtml')?.reason).toBe(
      'dependency /later.html appeared',
    );
  });

  it('after a fragment was replaced by other bytes with an OLDER mtime › moves the mtime forward to the build time', async () => {
    const { second, output, first } = await builtTwice((site) =>
      site.write('/inc/header.html', '<h1>Old</h1>', BASE + 1_000),
    );
    const before = first.pages.find((page) => page.path === '/index.shtml')?.lastModifiedMs ?? Infinity;
    expect(renderedPaths(second)).toEqual(['/inc/nav.shtml', '/index.shtml', '/news/index.shtml']);
    expect(outputMtime(output, '/index.shtml')).toBe(SECOND_BUILD);
    expect(SECOND_BUILD).toBeGreaterThan(before);
  });

  it('after a source page was deleted › removes its output and its manifest entry', async () => {
    const { second, output } = await builtTwice((site) => site.remove('/about.shtml', BASE + 60_000));
    expect(second.removed).toBe(1);
    expect(output.files.has('/about.shtml')).toBe(false);
    expect(output.manifest).not.toContain('/about.shtml');
  });

  it('after its output file was changed by hand › re-renders the page', async () => {
    const { second, output } = await builtTwice((_site, out) =>
      out.write('/solo.shtml', Buffer.from('edited'), BASE),
    );
    expect(renderedPaths(second)).toEqual(['/solo.shtml']);
    expect(output.files.get('/solo.shtml')?.bytes.toString()).not.toBe('edited');
  });

  it.each<[string, Partial<BuildOptions>]>([
    ['ssiExtensions', { ssiExtensions: ['.shtml', '.html'] }],
    ['errorMessage', { errorMessage: '[oops]' }],
    ['generator', { generator: 'cdn-include 9.9.9' }],
  ])('with a different %s › re-renders every page', async (_name, extra) => {
    const { second } = await builtTwice(() => undefined, extra);
    expect(second.skipped).toBe(0);
    expect(second.rendered).toBeGreaterThanOrEqual(PAGES.length);
  });

  it('with .html added to ssiExtensions › renders the fragment that was a copy', async () => {
    const { second } = await builtTwice(() => undefined, { ssiExtensions: ['.shtml', '.html'] });
    expect(renderedPaths(second)).toContain('/inc/header.html');
  });

  it('with a corrupt manifest › warns and renders everything', async () => {
    const { second } = await builtTwice((_site, out) => {
      out.manifest = '{"version": 1, "pages": [';
    });
    expect(second.rendered).toBe(PAGES.length);
    expect(second.warnings.map((warning) => warning.code)).toContain('manifest-ignored');
  });
});

describe('problems', () => {
  it('a page reading the clock › is written, with a warning naming it', async () => {
    const output = new MemoryOutputFs();
    const report = await build(createSite(), output, FIRST_BUILD);
    expect(output.files.get('/clock.shtml')?.bytes.toString()).toMatch(/^Now \S/);
    expect(report.warnings).toEqual([
      expect.objectContaining({
        code: 'request-dependent',
        path: '/clock.shtml',
        message: expect.stringContaining('clock'),
      }),
    ]);
  });

  it('a page reading the clock, up to date › is still warned about', async () => {
    const site = createSite();
    const output = new MemoryOutputFs();
    await build(site, output, FIRST_BUILD);
    const second = await build(site, output, SECOND_BUILD);
    expect(second.rendered).toBe(0);
    expect(second.warnings.map((warning) => warning.path)).toEqual(['/clock.shtml']);
  });

  it('a bad include › yields a diagnostic with the page path, and the build succeeds', async () => {
    const output = new MemoryOutputFs();
    const report = await build(createSite(), output, FIRST_BUILD);
    expect(report.diagnostics).toEqual([
      {
        page: '/solo.shtml',
        diagnostic: expect.objectContaining({ code: 'include-not-found', file: '/solo.shtml' }),
      },
    ]);
    expect(output.files.get('/solo.shtml')?.bytes.toString()).toBe(
      'Solo[an error occurred while processing this directive]',
    );
    expect(report.failures).toEqual([]);
  });

  it('a file that cannot be read › is reported as a failure while the rest is built', async () => {
    const site = createSite();
    const output = new MemoryOutputFs();
    const report = await buildSite({
      source: new FailingSource(site, '/news/index.shtml'),
      lister: site,
      output,
      now: FIRST_BUILD,
    });
    expect(report.failures).toEqual([{ path: '/news/index.shtml', message: 'disk on fire' }]);
    expect(report.rendered).toBe(PAGES.length - 1);
    expect(output.files.has('/news/index.shtml')).toBe(false);
  });

  it('bytes changed within the second of the previous Last-Modified › keep that date, warn, and get stamped next build', async () => {
    const site = createSite();
    const output = new MemoryOutputFs();
    await build(site, output, FIRST_BUILD);
    site.write('/inc/header.html', '<h1>Old</h1>', BASE + 1_000);
    // The first build stamped the older file's pages at BASE + 5 s; a build within that very second cannot move on.
    const sameSecond = await build(site, output, BASE + 5_400, { concurrency: 1 });
    expect(outputMtime(output, '/index.shtml')).toBe(BASE + 5_000);
    expect(sameSecond.warnings.map((warning) => warning.code)).toContain('last-modified-pending');
    const later = await build(site, output, SECOND_BUILD);
    // /about.shtml and /solo.shtml rest on files dated within a timestamp tick of the build at 5.4 s (racy).
    expect(renderedPaths(later)).toEqual([
      '/about.shtml',
      '/inc/nav.shtml',
      '/index.shtml',
      '/news/index.shtml',
      '/solo.shtml',
    ]);
    expect(outputMtime(output, '/index.shtml')).toBe(SECOND_BUILD);
    expect(later.warnings.map((warning) => warning.code)).not.toContain('last-modified-pending');
  });
});

/** A docroot whose one file fails to be read, as a disk error would. */
class FailingSource implements FileSource {
  constructor(
    private readonly inner: FileSource,
    private readonly failing: string,
  ) {}

  async read(path: string): Promise<FileContent> {
    if (path === this.failing) throw new Error('disk on fire');
    return this.inner.read(path);
  }

  stat(path: string): Promise<FileLookup> {
    return this.inner.stat(path);
  }

  statSync(path: string): FileLookup {
    return this.inner.statSync(path);
  }
}

describe('a build of known changes (watch mode)', () => {
  /** A first build into a session, then `change` and a build told which paths changed, with listing forbidden. */
  async function builtWithChanges(change: (site: MemorySite) => string[]) {
    const site = createSite();
    const output = new MemoryOutputFs();
    const session: BuildSession = {};
    await build(site, output, FIRST_BUILD, { session });
    const changedPaths = change(site);
    const lister = { list: () => Promise.reject(new Error('listed')) };
    const second = await build(site, output, SECOND_BUILD, { session, changedPaths, lister });
    return { site, output, session, second };
  }

  it('a changed fragment › renders exactly the pages resting on it, and the manifest keeps every other record', async () => {
    const { output, session, second } = await builtWithChanges((site) => {
      site.write('/inc/header.html', '<h1>New</h1>', BASE + 50_000);
      return ['/inc/header.html'];
    });
    expect(renderedPaths(second)).toEqual(['/inc/nav.shtml', '/index.shtml', '/news/index.shtml']);
    expect(output.files.get('/index.shtml')?.bytes.toString()).toBe('<h1>New</h1>Home');
    const manifest = parseManifest(output.manifest ?? '');
    expect(manifest.ok && Object.keys(manifest.manifest.pages).sort()).toEqual(PAGES);
    expect(manifest.ok && manifest.manifest).toEqual(session.manifest);
  });

  it('a page deleted and a file added › removes its output and copies the new file', async () => {
    const { output, second } = await builtWithChanges((site) => {
      site.remove('/solo.shtml', BASE + 50_000);
      site.write('/new.txt', 'new', BASE + 50_000);
      return ['/new.txt', '/solo.shtml'];
    });
    expect(second).toMatchObject({ rendered: 0, copied: 1, removed: 1 });
    expect(output.files.has('/solo.shtml')).toBe(false);
    expect(output.files.get('/new.txt')?.bytes.toString()).toBe('new');
  });

  it('a changed folder › needs the listing', async () => {
    await expect(builtWithChanges(() => ['/inc'])).rejects.toThrow('listed');
  });
});
