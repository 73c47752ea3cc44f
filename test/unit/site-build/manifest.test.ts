// The manifest's text: a stable round trip, and every malformed input described rather than thrown.

import {
  emptyManifest,
  httpDate,
  type Manifest,
  parseManifest,
  serializeManifest,
} from '../../../src/site-build/manifest';

const MANIFEST: Manifest = {
  version: 2,
  optionsHash: 'abc',
  builtAt: 'Wed, 01 Jan 2025 00:01:40 GMT',
  pages: {
    '/z.shtml': {
      etag: '"3-abc"',
      lastModified: 'Wed, 01 Jan 2025 00:00:05 GMT',
      lastModifiedMs: Date.UTC(2025, 0, 1, 0, 0, 5),
      output: { size: 3, mtimeMs: Date.UTC(2025, 0, 1, 0, 0, 5) },
      dependencies: [
        { path: '/z.shtml', role: 'page', exists: true, size: 40, mtimeMs: 1_500.25 },
        { path: '/missing.html', role: 'include', exists: false, size: -1, mtimeMs: 1_000 },
        // Racy when read: the digest of the bytes read comes with it.
        {
          path: '/inc/racy.html',
          role: 'include',
          exists: true,
          size: 3,
          mtimeMs: 99_500,
          sha256: 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=',
        },
      ],
      requestDependence: {
        headers: ['Accept-Language'],
        personal: false,
        client: false,
        time: false,
        target: false,
      },
      diagnostics: [
        {
          code: 'include-not-found',
          severity: 'error',
          message: 'no',
          file: '/z.shtml',
          line: 1,
          includeChain: ['/z.shtml'],
        },
      ],
    },
  },
  files: { '/b.css': { size: 2, mtimeMs: 7_123.5 }, '/a.css': { size: 1, mtimeMs: 1 } },
};

describe('manifest text', () => {
  it('a manifest › survives a round trip exactly, fractional mtimes included', () => {
    expect(parseManifest(serializeManifest(MANIFEST))).toEqual({ ok: true, manifest: MANIFEST });
  });

  it('two equal manifests built in another order › give the same text', () => {
    const reordered = {
      ...MANIFEST,
      files: { '/a.css': MANIFEST.files['/a.css'], '/b.css': MANIFEST.files['/b.css'] },
    };
    expect(serializeManifest(reordered)).toBe(serializeManifest(MANIFEST));
    expect(serializeManifest(MANIFEST).indexOf('/a.css')).toBeLessThan(
      serializeManifest(MANIFEST).indexOf('/b.css'),
    );
  });

  it('records of a build whose ETags were SHA-1 tags › get the tag this version sends for their SHA-256', () => {
    // 'abc': its SHA-256 and its two tags, by `printf abc | openssl dgst -sha256 -binary | openssl base64` and sha1.
    const sha256 = 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=';
    const older: Manifest = {
      ...MANIFEST,
      pages: {
        '/z.shtml': { ...MANIFEST.pages['/z.shtml'], etag: '"3-qZk+NkcGgWq6PiVxeFDCbJzQ2J0"', sha256 },
      },
      files: { '/a.css': { size: 3, mtimeMs: 1, sha256, etag: '"3-qZk+NkcGgWq6PiVxeFDCbJzQ2J0"' } },
    };
    const parsed = parseManifest(serializeManifest(older));
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.manifest.pages['/z.shtml'].etag).toBe('"3-ungWv48Bz+pBQUDeXa4iI7ADYaO"');
    expect(parsed.manifest.files['/a.css'].etag).toBe('"3-ungWv48Bz+pBQUDeXa4iI7ADYaO"');
    expect(parsed.outdated).toBe(true);
    expect(parseManifest(serializeManifest(parsed.manifest))).not.toHaveProperty('outdated');
  });

  it('pages sharing a dependency › it is written once, and the records read back share it', () => {
    const page = MANIFEST.pages['/z.shtml'];
    const twoPages = { ...MANIFEST, pages: { '/y.shtml': page, '/z.shtml': page } };
    const text = serializeManifest(twoPages);
    expect(text.split('"/missing.html"')).toHaveLength(2);
    const parsed = parseManifest(text);
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.manifest).toEqual(twoPages);
    expect(parsed.manifest.pages['/y.shtml'].dependencies[1]).toBe(
      parsed.manifest.pages['/z.shtml'].dependencies[1],
    );
  });

  it('equal dependencies in distinct objects (as render threads send them) › one entry; any field differing › its own', () => {
    const page = MANIFEST.pages['/z.shtml'];
    const base = { path: '/inc/a.html', role: 'include', exists: true, size: 3, mtimeMs: 1_000 } as const;
    const variants = [
      { ...base },
      { ...base, size: 4 },
      { ...base, mtimeMs: 1_000.5 },
      { ...base, role: 'file-info' as const },
      { ...base, exists: false },
      { ...base, sha256: 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=' },
      { ...base, path: '/inc/b.html' },
    ];
    const pages = {
      '/x.shtml': { ...page, dependencies: variants.map((dependency) => ({ ...dependency })) },
      '/y.shtml': { ...page, dependencies: variants.map((dependency) => ({ ...dependency })) },
    };
    const text = serializeManifest({ ...MANIFEST, pages });
    const parsed = parseManifest(text);
    if (!parsed.ok) throw new Error(parsed.problem);
    const sources = (JSON.parse(text) as { sources: unknown[] }).sources;
    expect(sources).toHaveLength(variants.length);
    expect(parsed.manifest.pages).toEqual(pages);
  });

  it('a version 1 manifest (dependencies written in each page) › read as it was, and marked outdated', () => {
    const { pages, files, optionsHash, builtAt } = MANIFEST;
    const parsed = parseManifest(JSON.stringify({ version: 1, optionsHash, builtAt, pages, files }));
    expect(parsed).toEqual({ ok: true, manifest: MANIFEST, outdated: true });
  });

  it('the empty manifest › parses back', () => {
    expect(parseManifest(serializeManifest(emptyManifest()))).toEqual({
      ok: true,
      manifest: emptyManifest(),
    });
  });

  it.each([
    ['not JSON', '{', 'it is not valid JSON'],
    ['an array', '[]', 'it is not a JSON object'],
    ['another version', '{"version":3}', 'its version is 3, not 2'],
    [
      'a dependency index that names no source',
      '{"version":2,"optionsHash":"","builtAt":"","sources":[],"pages":{"/a.shtml":' +
        `${JSON.stringify({ ...MANIFEST.pages['/z.shtml'], dependencies: [0] })}},"files":{}}`,
      'its entry for /a.shtml is malformed',
    ],
    [
      'a source whose digest is not a string',
      '{"version":2,"optionsHash":"","builtAt":"","sources":[["/a.html","include",true,3,1,7]],"pages":{"/a.shtml":' +
        `${JSON.stringify({ ...MANIFEST.pages['/z.shtml'], dependencies: [0] })}},"files":{}}`,
      'its entry for /a.shtml is malformed',
    ],
    ['no pages', '{"version":1,"optionsHash":"","builtAt":"","files":{}}', 'its fields are malformed'],
    [
      'a page without dependencies',
      '{"version":1,"optionsHash":"","builtAt":"","pages":{"/a.shtml":{"etag":"x"}},"files":{}}',
      'its entry for /a.shtml is malformed',
    ],
    [
      'a file without size',
      '{"version":1,"optionsHash":"","builtAt":"","pages":{},"files":{"/a.css":{"mtimeMs":1}}}',
      'its entry for /a.css is malformed',
    ],
  ])('%s › is described, not thrown', (_name, text, problem) => {
    expect(parseManifest(text)).toEqual({ ok: false, problem });
  });

  it('a dependency with an unknown role › makes the entry malformed', () => {
    const page = MANIFEST.pages['/z.shtml'];
    const bad = {
      ...MANIFEST,
      pages: { '/z.shtml': { ...page, dependencies: [{ ...page.dependencies[0], role: 'exec' }] } },
    };
    expect(parseManifest(serializeManifest(bad as Manifest))).toEqual({
      ok: false,
      problem: 'its entry for /z.shtml is malformed',
    });
  });
});

describe('httpDate', () => {
  it('an epoch time › is an IMF-fixdate', () => {
    expect(httpDate(Date.UTC(1994, 10, 6, 8, 49, 37))).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });
});
