// A stock nginx serving the output of `cdn-include build --nginx-digests` as a mirror, with the include it wrote:
// every file answers with the Repr-Digest and RFC 3230 Digest the digest manifest lists (and the origin sends), on
// GET, HEAD, a range and the directory index, none on a 304; awkward paths load, and ambiguous ones are left out.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequestToPort, type RawResponse } from '../support/raw-request';
import { runCliOnce, startCli } from '../support/running-cli';
import { freePort, type ServerProcess } from '../support/server-process';
import { at, TempSite } from '../support/temp-site';
import { nginxPreamble, startNginxWith } from './nginx-edge';

const INCLUDE = '.well-known/cdn-include/nginx-digests.conf';
/** Paths that need quoting and escaping in nginx's config language, and one longer than nginx's default bucket. */
const AWKWARD = ['/a b/ü "q" $1 {x};.txt', `/deep/${'long-name-'.repeat(20)}.txt`];
/** A backslash, which nginx serves but `serve` refuses (400, README "Security"), so only the mirror is asked. */
const BACKSLASH = '/back\\slash.txt';
const MANY = Array.from({ length: 300 }, (_, index) => `/many/f${index}.txt`);

/** A request to 127.0.0.1:`port` for `path` (URL-encoded here), as a client of the mirror makes it. */
function send(
  port: number,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return rawRequestToPort(port, encodeURI(path), headers, method);
}

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('base64');

/** A mirror's nginx.conf: the preamble, the include in the http block, and a plain static server of `root`. */
function mirrorConfig(prefix: string, root: string, port: number, user: string | undefined): string {
  return `# cdn-include test:edge — nginx as a mirror of a build output
${nginxPreamble(prefix, user)}  include ${join(root, INCLUDE)};
  server {
    listen 127.0.0.1:${port};
    root ${root};
    add_header Repr-Digest $cdn_include_repr_digest;
    add_header Digest $cdn_include_digest;
  }
}
`;
}

describe('an nginx mirror with the include of build --nginx-digests', () => {
  let site: TempSite;
  let out: TempSite;
  let prefix: string;
  let nginx: ServerProcess | undefined;
  let manifest: Record<string, { size: number; sha256: string; etag: string }>;
  let buildStderr: string;
  let passed = false;

  beforeAll(async () => {
    site = new TempSite()
      .write('index.html', '<!--#include virtual="/inc/nav.html" -->Home page', at(10))
      .write('page.shtml', '<!--#include virtual="/inc/nav.html" -->A page', at(11))
      .write('inc/nav.html', '<nav>nav</nav>', at(12))
      .write('Read.me', 'upper', at(13))
      .write('read.me', 'lower', at(14))
      .write('big.bin', Buffer.alloc(2 * 1024 * 1024, 'mirror '), at(15));
    for (const path of [...AWKWARD, BACKSLASH, ...MANY])
      site.write(path.slice(1), `bytes of ${path}`, at(16));
    out = new TempSite();
    // index.html as a page too, so the directory index is a rendered page.
    const built = await runCliOnce([
      'build',
      site.root,
      '--out',
      out.root,
      '--nginx-digests',
      '--ssi-ext',
      '.shtml',
      '--ssi-ext',
      '.html',
    ]);
    expect(built.code).toBe(0);
    buildStderr = built.stderr;
    manifest = JSON.parse(readFileSync(out.path('.well-known/cdn-include/manifest.json'), 'utf8')).files;
    prefix = mkdtempSync(join(tmpdir(), 'cdn-include-edge-mirror-'));
    const port = await freePort();
    nginx = await startNginxWith(prefix, port, (user) => mirrorConfig(prefix, out.root, port, user));
  });

  afterAll(async () => {
    await nginx?.stop();
    site.remove();
    out.remove();
    if (passed) rmSync(prefix, { recursive: true, force: true });
    else console.log(`kept ${prefix}`);
  });

  it('every file › GET and HEAD carry the Repr-Digest and Digest of the manifest, which are those of the body', async () => {
    const port = nginx?.port ?? 0;
    const unambiguous = Object.keys(manifest).filter((path) => path.toLowerCase() !== '/read.me');
    expect(unambiguous).toEqual(expect.arrayContaining([...AWKWARD, BACKSLASH, '/index.html', '/big.bin']));
    for (const path of unambiguous) {
      const { sha256: digest } = manifest[path];
      const got = await send(port, path);
      expect({ path, status: got.status, body: sha256(got.body) }).toEqual({
        path,
        status: 200,
        body: digest,
      });
      const expected = { path, repr: `sha-256=:${digest}:`, digest: `SHA-256=${digest}` };
      expect({ path, repr: got.headers['repr-digest'], digest: got.headers.digest }).toEqual(expected);
      const head = await send(port, path, 'HEAD');
      expect({ path, repr: head.headers['repr-digest'], digest: head.headers.digest }).toEqual(expected);
    }
  });

  it('the same digests as `cdn-include serve` of the site (what makes it an RFC 6249 `pref` mirror)', async () => {
    const serve = await startCli(
      ['serve', site.root, '--port', '0', '--ssi-ext', '.shtml', '--ssi-ext', '.html'],
      'http://',
    );
    try {
      const port = Number(new URL(serve.url).port);
      for (const path of ['/index.html', '/page.shtml', '/big.bin', ...AWKWARD]) {
        const origin = await send(port, path, 'HEAD');
        const mirror = await send(nginx?.port ?? 0, path, 'HEAD');
        expect({ path, mirror: mirror.headers['repr-digest'] }).toEqual({
          path,
          mirror: origin.headers['repr-digest'],
        });
      }
    } finally {
      serve.stop('SIGTERM');
      await serve.exitCode;
    }
  });

  it('the directory index and a range › carry the digest of the whole file; a 304 › carries none', async () => {
    const port = nginx?.port ?? 0;
    const index = `sha-256=:${manifest['/index.html'].sha256}:`;
    expect((await send(port, '/')).headers['repr-digest']).toBe(index);
    const range = await send(port, '/big.bin', 'GET', { Range: 'bytes=0-9' });
    expect(range.status).toBe(206);
    expect(range.headers['repr-digest']).toBe(`sha-256=:${manifest['/big.bin'].sha256}:`);
    const first = await send(port, '/page.shtml');
    const notModified = await send(port, '/page.shtml', 'GET', {
      'If-None-Match': String(first.headers.etag),
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers).not.toHaveProperty('repr-digest');
    expect(notModified.headers).not.toHaveProperty('digest');
  });

  it('paths nginx cannot tell apart (case) › served without digests, and the build said why', async () => {
    const port = nginx?.port ?? 0;
    for (const path of ['/Read.me', '/read.me']) {
      const got = await send(port, path);
      expect({ path, status: got.status, repr: got.headers['repr-digest'] }).toEqual({
        path,
        status: 200,
        repr: undefined,
      });
      expect(buildStderr).toContain(`warning nginx-digests-omitted ${path}:`);
    }
    expect((await send(port, '/missing.txt')).headers).not.toHaveProperty('repr-digest');
    passed = true;
  });
});
