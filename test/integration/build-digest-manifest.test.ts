// `cdn-include build` publishes /.well-known/cdn-include/manifest.json: checked against digests this test makes
// with node:crypto from the files in the output folder, and against the Repr-Digest and ETag `cdn-include serve`
// sends for the same site; an incremental build keeps it right.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join, relative, sep } from 'node:path';
import { expectedEntityTag } from '../support/expected-entity-tag';
import { runCliOnce, startCli } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';

const MANIFEST = '.well-known/cdn-include/manifest.json';
const NGINX_INCLUDE = '.well-known/cdn-include/nginx-digests.conf';
const BIG = Buffer.alloc(3 * 1024 * 1024, 'cdn-include '); // above serve's 1 MiB stream threshold: hashed as it streams

interface Entry {
  size: number;
  sha256: string;
  etag: string;
}

/** The entry every file of the output folder should have, from its bytes: all but the build's own files. */
function entriesOnDisk(out: string): Record<string, Entry> {
  const entries: Record<string, Entry> = {};
  for (const file of readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const path = `/${relative(out, join(file.parentPath, file.name)).split(sep).join('/')}`;
    if (path === '/.cdn-include-manifest.json' || path.startsWith('/.well-known/cdn-include/')) continue;
    const bytes = readFileSync(join(file.parentPath, file.name));
    entries[path] = {
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      etag: expectedEntityTag(bytes),
    };
  }
  return entries;
}

function readManifest(out: TempSite): { format: string; version: number; files: Record<string, Entry> } {
  return JSON.parse(readFileSync(out.path(MANIFEST), 'utf8'));
}

/** GETs `path` (percent-encoded here) with no Accept-Encoding: the identity representation. */
function get(base: string, path: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${encodeURI(path)}`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Checks every manifest entry against what `cdn-include serve ROOT` sends for that path. */
async function expectServeAgrees(root: string, files: Record<string, Entry>): Promise<void> {
  const serve = await startCli(['serve', root, '--port', '0'], 'http://');
  try {
    for (const [path, entry] of Object.entries(files)) {
      const response = await get(serve.url, path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect({ path, reprDigest: response.headers['repr-digest'], etag: response.headers.etag }).toEqual({
        path,
        reprDigest: `sha-256=:${entry.sha256}:`,
        etag: entry.etag,
      });
    }
  } finally {
    serve.stop('SIGTERM');
    await serve.exitCode;
  }
}

describe('the digest manifest of cdn-include build', () => {
  let site: TempSite;
  let out: TempSite;
  beforeEach(() => {
    site = new TempSite()
      .write('index.shtml', '<!--#include virtual="/inc/nav.html" -->Home', at(10))
      .write('news/index.shtml', 'News <!--#include file="../inc/nav.html" -->', at(20))
      .write('plain.shtml', 'no includes', at(21))
      .write('inc/nav.html', '<nav>one</nav>', at(15))
      .write('css/site.css', 'body{}', at(7))
      .write('empty.txt', '', at(8))
      .write('a b/ü "q".txt', 'unicode', at(9))
      .write('big.bin', BIG, at(11))
      .write('.well-known/security.txt', 'Contact: mailto:x@example.com', at(12))
      .write('.private/secret.txt', 'never published', at(13));
    out = new TempSite();
  });
  afterEach(() => {
    site.remove();
    out.remove();
  });

  it('lists every file written, with the digests of its bytes and the Repr-Digest and ETag serve sends', async () => {
    const built = await runCliOnce(['build', site.root, '--out', out.root]);
    expect(built.code).toBe(0);
    const manifest = readManifest(out);
    expect(manifest.format).toBe('cdn-include-digests');
    expect(manifest.version).toBe(1);
    expect(Object.keys(manifest.files)).toEqual([
      '/.well-known/security.txt',
      '/a b/ü "q".txt',
      '/big.bin',
      '/css/site.css',
      '/empty.txt',
      '/inc/nav.html',
      '/index.shtml',
      '/news/index.shtml',
      '/plain.shtml',
    ]);
    expect(manifest.files).toEqual(entriesOnDisk(out.root));
    expect(manifest.files['/empty.txt'].sha256).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    await expectServeAgrees(site.root, manifest.files);
  });

  it('an incremental build › updates re-rendered pages, keeps the others, drops deleted files, adds new ones, and still agrees with serve', async () => {
    expect((await runCliOnce(['build', site.root, '--out', out.root])).code).toBe(0);
    const first = readManifest(out);
    site.write('inc/nav.html', '<nav>two</nav>', at(500)).write('new.txt', 'new', at(600));
    rmSync(site.path('css/site.css'));
    rmSync(site.path('big.bin'));
    const second = await runCliOnce(['build', site.root, '--out', out.root]);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('rendered /plain.shtml');
    const manifest = readManifest(out);
    expect(manifest.files).toEqual(entriesOnDisk(out.root));
    expect(Object.keys(manifest.files)).not.toContain('/css/site.css');
    expect(Object.keys(manifest.files)).not.toContain('/big.bin');
    expect(manifest.files['/new.txt'].size).toBe(3);
    expect(manifest.files['/plain.shtml']).toEqual(first.files['/plain.shtml']);
    expect(manifest.files['/index.shtml']).not.toEqual(first.files['/index.shtml']);
    await expectServeAgrees(site.root, manifest.files);
  });

  it('--nginx-digests › writes the include beside the manifest, with each path’s digests; a build without it › removes it', async () => {
    expect((await runCliOnce(['build', site.root, '--out', out.root, '--nginx-digests'])).code).toBe(0);
    const include = readFileSync(out.path(NGINX_INCLUDE), 'utf8');
    const nav = createHash('sha256').update('<nav>one</nav>').digest('base64');
    expect(include).toContain(`"/inc/nav.html" "sha-256=:${nav}:";`);
    expect(include).toContain(`"/inc/nav.html" "SHA-256=${nav}";`);
    expect(include).toContain(`"/a b/ü \\"q\\".txt"`);
    expect(Object.keys(readManifest(out).files)).not.toContain(`/${NGINX_INCLUDE}`);
    expect((await runCliOnce(['build', site.root, '--out', out.root])).code).toBe(0);
    expect(existsSync(out.path(NGINX_INCLUDE))).toBe(false);
  });
});
