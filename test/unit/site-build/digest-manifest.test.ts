// The digest manifest: its entries and text (pure), and what buildSite publishes over in-memory ports, first and
// incremental builds alike. Expected digests are computed here with node:crypto, never by our code.

import { createHash } from 'node:crypto';
import { expectedEntityTag } from '../../support/expected-entity-tag';
import { type BuildOptions } from '../../../src/site-build/build-options';
import { buildSite } from '../../../src/site-build/build-site';
import {
  DIGEST_MANIFEST_PATH,
  digestManifestText,
  fileDigest,
} from '../../../src/site-build/digest-manifest';
import { publishedFiles } from '../../../src/site-build/digest-publisher';
import {
  emptyManifest,
  type Manifest,
  MANIFEST_VERSION,
  parseManifest,
} from '../../../src/site-build/manifest';
import { NGINX_DIGESTS_PATH } from '../../../src/site-build/nginx-digest-map';
import { MemoryOutputFs } from '../../support/memory-output-fs';
import { MemorySite } from '../../support/memory-site';

const BASE = Date.UTC(2025, 0, 1);
const FIRST_BUILD = BASE + 100_000;
const SECOND_BUILD = BASE + 200_000;

/** What the manifest must say of `bytes`, computed independently. */
function expectedEntry(bytes: Buffer | string) {
  const buffer = Buffer.from(bytes);
  return {
    size: buffer.length,
    sha256: createHash('sha256').update(buffer).digest('base64'),
    etag: expectedEntityTag(buffer),
  };
}

/** The published manifest, parsed as any reader would. */
function publishedManifest(output: MemoryOutputFs): {
  format: string;
  version: number;
  files: Record<string, unknown>;
} {
  const file = output.files.get(DIGEST_MANIFEST_PATH);
  if (!file) throw new Error('no digest manifest was written');
  return JSON.parse(file.bytes.toString('utf8'));
}

/** Every output file the build published for the site, with the entry computed from its bytes as written. */
function entriesOfOutput(output: MemoryOutputFs): Record<string, ReturnType<typeof expectedEntry>> {
  const entries: Record<string, ReturnType<typeof expectedEntry>> = {};
  for (const [path, file] of output.files)
    if (!path.startsWith('/.well-known/cdn-include/')) entries[path] = expectedEntry(file.bytes);
  return entries;
}

function createSite(): MemorySite {
  return new MemorySite({
    '/index.shtml': { content: '<!--#include virtual="/inc/header.html" -->Home', mtimeMs: BASE + 1_500 },
    '/inc/header.html': { content: '<h1>Site</h1>', mtimeMs: BASE + 5_700 },
    '/css/site.css': { content: 'body{}', mtimeMs: BASE + 7_123 },
    '/a b/ü.txt': { content: 'unicode', mtimeMs: BASE + 1_000 },
    '/.well-known/security.txt': { content: 'Contact: x', mtimeMs: BASE + 1_000 },
    '/.git/config': { content: 'secret', mtimeMs: BASE },
  });
}

function build(site: MemorySite, output: MemoryOutputFs, now: number, extra: Partial<BuildOptions> = {}) {
  return buildSite({ source: site, lister: site, output, now, ...extra });
}

describe('fileDigest', () => {
  it.each([[''], ['abc'], ['<h1>Site</h1>']])(
    'of %j › is its SHA-256 in base64, its size and its ETag',
    (text) => {
      expect(fileDigest(Buffer.from(text))).toEqual(expectedEntry(text));
    },
  );
});

describe('digestManifestText', () => {
  const a = expectedEntry('a');
  const b = expectedEntry('b');

  it('any insertion order › gives the same text, files sorted by path', () => {
    const one = digestManifestText({ '/z.html': a, '/a.html': b, '/B.html': a });
    const two = digestManifestText({ '/B.html': a, '/a.html': b, '/z.html': a });
    expect(one).toBe(two);
    expect(Object.keys(JSON.parse(one).files)).toEqual(['/B.html', '/a.html', '/z.html']);
  });

  it('the text › names its format and version, holds only size, sha256 and etag, and ends in a newline', () => {
    const text = digestManifestText({ '/a.html': { ...a, extra: 1 } as typeof a });
    expect(JSON.parse(text)).toEqual({ format: 'cdn-include-digests', version: 1, files: { '/a.html': a } });
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('publishedFiles', () => {
  it('pages and copies with a digest › are listed; records of older builds without one › are not', () => {
    const manifest = emptyManifest();
    const digest = expectedEntry('page');
    const page = {
      etag: digest.etag,
      lastModified: '',
      lastModifiedMs: 0,
      output: { size: 4, mtimeMs: 0 },
      dependencies: [],
      requestDependence: { headers: [], personal: false, client: false, time: false, target: false },
      diagnostics: [],
    };
    manifest.pages['/p.shtml'] = { ...page, sha256: digest.sha256 };
    manifest.pages['/old.shtml'] = page;
    manifest.files['/f.css'] = { size: 4, mtimeMs: 0, sha256: digest.sha256, etag: digest.etag };
    manifest.files['/old.css'] = { size: 4, mtimeMs: 0 };
    expect(publishedFiles(manifest)).toEqual({ '/p.shtml': digest, '/f.css': digest });
  });
});

describe('a first build', () => {
  it('the digest manifest › lists every rendered page and copied file, as written, and nothing else', async () => {
    const output = new MemoryOutputFs();
    await build(createSite(), output, FIRST_BUILD);
    const manifest = publishedManifest(output);
    expect(manifest.format).toBe('cdn-include-digests');
    expect(manifest.version).toBe(1);
    expect(Object.keys(manifest.files)).toEqual([
      '/.well-known/security.txt',
      '/a b/ü.txt',
      '/css/site.css',
      '/inc/header.html',
      '/index.shtml',
    ]);
    expect(manifest.files).toEqual(entriesOfOutput(output));
    expect(manifest.files['/index.shtml']).toEqual(expectedEntry('<h1>Site</h1>Home'));
  });

  it('the digest manifest file › gets the build clock, a whole second, as mtime', async () => {
    const output = new MemoryOutputFs();
    await build(createSite(), output, FIRST_BUILD + 250);
    expect(output.files.get(DIGEST_MANIFEST_PATH)?.mtimeMs).toBe(FIRST_BUILD);
  });

  it('a source file in /.well-known/cdn-include/ › is not copied, and is reported', async () => {
    const site = createSite();
    site.write(DIGEST_MANIFEST_PATH, '{"forged": true}', BASE);
    const output = new MemoryOutputFs();
    const report = await build(site, output, FIRST_BUILD);
    expect(report.warnings).toContainEqual(
      expect.objectContaining({ code: 'reserved-path', path: DIGEST_MANIFEST_PATH }),
    );
    expect(publishedManifest(output).format).toBe('cdn-include-digests');
  });
});

describe('an incremental build', () => {
  async function builtTwice(change: (site: MemorySite) => void, extra: Partial<BuildOptions> = {}) {
    const site = createSite();
    const output = new MemoryOutputFs();
    await build(site, output, FIRST_BUILD, extra);
    const before = output.files.get(DIGEST_MANIFEST_PATH);
    change(site);
    const report = await build(site, output, SECOND_BUILD, extra);
    return { output, report, before, after: output.files.get(DIGEST_MANIFEST_PATH) };
  }

  it('with nothing changed › keeps every entry and leaves the manifest file alone', async () => {
    const { report, before, after } = await builtTwice(() => undefined);
    expect(report).toMatchObject({ rendered: 0, copied: 0 });
    expect(after).toEqual(before);
  });

  it('a changed fragment › updates the entry of the page re-rendered; the others keep theirs', async () => {
    const { output, report, before, after } = await builtTwice((site) =>
      site.write('/inc/header.html', '<h1>New</h1>', BASE + 9_000),
    );
    expect(report.rendered).toBe(1);
    const files = publishedManifest(output).files;
    expect(files['/index.shtml']).toEqual(expectedEntry('<h1>New</h1>Home'));
    expect(files['/inc/header.html']).toEqual(expectedEntry('<h1>New</h1>'));
    expect(files).toEqual(entriesOfOutput(output));
    expect(after?.mtimeMs).toBe(SECOND_BUILD);
    expect(after?.bytes.equals(before?.bytes ?? Buffer.alloc(0))).toBe(false);
  });

  it('a deleted file › loses its entry', async () => {
    const { output } = await builtTwice((site) => site.remove('/css/site.css', BASE + 9_000));
    const files = publishedManifest(output).files;
    expect(files).not.toHaveProperty(['/css/site.css']);
    expect(files).toEqual(entriesOfOutput(output));
  });

  it('a change within the second of the previous manifest › gets an mtime a second later', async () => {
    const site = createSite();
    const output = new MemoryOutputFs();
    await build(site, output, FIRST_BUILD);
    site.remove('/css/site.css', BASE + 9_000);
    await build(site, output, FIRST_BUILD + 400);
    expect(output.files.get(DIGEST_MANIFEST_PATH)?.mtimeMs).toBe(FIRST_BUILD + 1_000);
  });

  it('after a build manifest without digests (an older version) › re-renders and re-hashes, then lists everything', async () => {
    const { site, output, manifest } = await firstBuild();
    for (const page of Object.values(manifest.pages)) delete page.sha256;
    for (const file of Object.values(manifest.files)) {
      delete file.sha256;
      delete file.etag;
    }
    // Written as such a build did: format version 1, each page's dependencies in full.
    output.manifest = JSON.stringify({ ...manifest, version: 1 });
    output.files.delete(DIGEST_MANIFEST_PATH);
    const report = await build(site, output, SECOND_BUILD);
    expect(report.pages.find((page) => page.path === '/index.shtml')).toMatchObject({
      rendered: true,
      reason: 'no digest recorded',
    });
    // Copies whose output is already there are hashed, not written again.
    expect(report.copied).toBe(0);
    expect(publishedManifest(output).files).toEqual(entriesOfOutput(output));
  });

  it('after a version 1 build manifest with digests › renders nothing, and writes it again as the current version', async () => {
    const { site, output, manifest } = await firstBuild();
    output.manifest = JSON.stringify({ ...manifest, version: 1 });
    const report = await build(site, output, SECOND_BUILD);
    expect(report.rendered).toBe(0);
    expect(JSON.parse(output.manifest ?? '')).toMatchObject({
      version: MANIFEST_VERSION,
      sources: expect.any(Array),
    });
  });

  it('a copy a killed build wrote without its manifests › is listed by its new bytes, not its old record', async () => {
    const site = createSite();
    const output = new MemoryOutputFs();
    await build(site, output, FIRST_BUILD);
    // A new version of the same size, copied (bytes and mtime) by a build killed before it wrote either manifest:
    // the quick check finds the output up to date, but the recorded digest names the old output.
    site.write('/css/site.css', 'BODY{}', BASE + 8_000);
    output.files.set('/css/site.css', { bytes: Buffer.from('BODY{}'), mtimeMs: BASE + 8_000 });
    const report = await build(site, output, SECOND_BUILD);
    expect(report.copied).toBe(0);
    expect(publishedManifest(output).files['/css/site.css']).toEqual(expectedEntry('BODY{}'));
  });

  it('nginxDigests › writes the include; a build without it › removes it', async () => {
    const site = createSite();
    const output = new MemoryOutputFs();
    await build(site, output, FIRST_BUILD, { nginxDigests: true });
    const include = output.files.get(NGINX_DIGESTS_PATH)?.bytes.toString() ?? '';
    expect(include).toContain(`"/index.shtml" "sha-256=:${expectedEntry('<h1>Site</h1>Home').sha256}:";`);
    expect(publishedManifest(output).files).not.toHaveProperty([NGINX_DIGESTS_PATH]);
    await build(site, output, SECOND_BUILD);
    expect(output.files.has(NGINX_DIGESTS_PATH)).toBe(false);
  });
});

/** The test site built once into memory, with the build manifest it wrote. */
async function firstBuild(): Promise<{ site: MemorySite; output: MemoryOutputFs; manifest: Manifest }> {
  const site = createSite();
  const output = new MemoryOutputFs();
  await build(site, output, FIRST_BUILD);
  const parsed = parseManifest(output.manifest ?? '');
  if (!parsed.ok) throw new Error(parsed.problem);
  return { site, output, manifest: parsed.manifest };
}
