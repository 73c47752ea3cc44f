// The mirror fields through the app (RFC 6249 Metalink/HTTP, README "Mirrors"): Link rel=duplicate for exactly the
// mirrors whose manifest lists the bytes sent, in configured order, with pri, geo and pref; the describedby link to
// the Metalink file; RFC 3230 Digest on identity answers; the mirror-links purge tag; none of it on private,
// request-dependent or credentialed answers; the same on GET and HEAD; PATH?mirrorlist and the mirrors in PATH.meta4.

import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { createApp } from '../../src/server/app';
import type { MirrorConfig } from '../../src/mirrors/mirror-config';
import type { MirrorManifest } from '../../src/mirrors/mirror-manifest';
import { MAX_MIRROR_LINKS, MIRROR_LINKS_TAG } from '../../src/server/mirror-links';
import { FakeMirrorDirectory } from '../support/fake-mirror-directory';
import { closeServer, listenOnFreePort } from '../support/listening-server';
import { rawRequest, type RawResponse } from '../support/raw-request';
import { at, TempSite } from '../support/temp-site';

const TEXT = 'mirrored text\n'.repeat(200); // 2800 bytes: compressible, held in memory
const BIG = Buffer.from('0123456789abcdef'.repeat(1024)); // 16 KiB: streamed above the threshold below
const PAGE = 'page <!--#include virtual="/inc/f.html" --> end\n';
const RENDERED = 'page fragment end\n';
const VARYING = 'lang <!--#echo var="HTTP_ACCEPT_LANGUAGE" -->\n';

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('base64');
const entry = (bytes: string | Buffer) => ({ size: Buffer.byteLength(bytes), sha256: sha256(bytes) });

const M1: MirrorConfig = { name: 'm1', url: 'http://127.0.0.2:8081/', geo: 'de', priority: 2 };
const M2: MirrorConfig = { name: 'm2', url: 'http://127.0.0.3:8081/site/', priority: 1 };
const STALE: MirrorConfig = { name: 'stale', url: 'http://127.0.0.4:8081/' };

const fresh: MirrorManifest = new Map([
  ['/files/text.txt', entry(TEXT)],
  ['/files/big.bin', entry(BIG)],
  ['/page.shtml', entry(RENDERED)],
  ['/lang.shtml', entry('lang (none)\n')],
  ['/query.shtml', entry('q \n')],
  ['/files/a b.txt', entry(TEXT)],
]);
const stale: MirrorManifest = new Map([
  ['/files/text.txt', entry('older text\n')],
  ['/files/big.bin', entry(BIG)],
]);

let site: TempSite;
let directory: FakeMirrorDirectory;
let app: ReturnType<typeof createApp>;
let origin: Server;

beforeAll(async () => {
  site = new TempSite()
    .write('files/text.txt', TEXT, at(1))
    .write('files/a b.txt', TEXT, at(1))
    .write('files/big.bin', BIG, at(2))
    .write('page.shtml', PAGE, at(3))
    .write('inc/f.html', 'fragment', at(4))
    .write('lang.shtml', VARYING, at(5))
    .write('private/text.txt', TEXT, at(6));
  directory = new FakeMirrorDirectory([
    { mirror: M1, manifest: fresh, sendsDigests: true },
    { mirror: M2, manifest: fresh },
    { mirror: STALE, manifest: stale },
  ]);
  app = createApp({
    root: site.root,
    compression: true,
    streamThreshold: 4096,
    watchFiles: false,
    cacheRules: [{ path: '/private/**', private: true, maxAge: 60 }],
    mirrorDirectory: directory,
  });
  origin = await listenOnFreePort(app.callback());
});

afterAll(async () => {
  await closeServer(origin);
  app.ssi.close();
  site.remove();
});

const get = (target: string, headers: Record<string, string> = {}, method = 'GET') =>
  rawRequest(origin, target, headers, method);

/** The Link field of a response as one string (Node joins repeated Link fields with ', '). */
function linkOf(res: RawResponse): string | undefined {
  const link = res.headers.link;
  return Array.isArray(link) ? link.join(', ') : link;
}

const DESCRIBED = (target: string) => `<${target}.meta4>; rel=describedby; type="application/metalink4+xml"`;

describe('Link rel=duplicate', () => {
  it('a static file › the mirrors holding its bytes, by pri then configured order, with geo and pref', async () => {
    const res = await get('/files/text.txt');
    expect(res.status).toBe(200);
    expect(linkOf(res)).toBe(
      '<http://127.0.0.3:8081/site/files/text.txt>; rel=duplicate; pri=1, ' +
        '<http://127.0.0.2:8081/files/text.txt>; rel=duplicate; pri=2; geo=de; pref, ' +
        DESCRIBED('/files/text.txt'),
    );
    // One link per field line: aria2 reads each Link line as one link.
    const lines = res.rawHeaders.filter(
      (_, index) => index % 2 === 1 && /^link$/i.test(res.rawHeaders[index - 1]),
    );
    expect(lines).toHaveLength(3);
    expect(res.headers.digest).toBe(`SHA-256=${sha256(TEXT)}`);
    expect(String(res.headers['surrogate-key']).split(' ')).toContain(MIRROR_LINKS_TAG);
    expect(String(res.headers['cache-tag']).split(',')).toContain(MIRROR_LINKS_TAG);
    expect(directory.advertised).toContain('/files/text.txt');
  });

  it('a stale mirror holding the same bytes for one path is linked for that path only', async () => {
    const res = await get('/files/big.bin');
    expect(linkOf(res)).toContain('<http://127.0.0.4:8081/files/big.bin>; rel=duplicate');
    expect(linkOf(await get('/files/text.txt'))).not.toContain('127.0.0.4');
  });

  it('a streamed file › links and the RFC 3230 Digest of its bytes', async () => {
    const res = await get('/files/big.bin');
    expect(res.body.equals(BIG)).toBe(true);
    expect(res.headers.digest).toBe(`SHA-256=${sha256(BIG)}`);
    expect(res.headers['repr-digest']).toBe(`sha-256=:${sha256(BIG)}:`);
  });

  it('a page resting on files alone › linked when a mirror holds its rendered bytes', async () => {
    const res = await get('/page.shtml');
    expect(res.body.toString()).toBe(RENDERED);
    expect(linkOf(res)).toContain('<http://127.0.0.2:8081/page.shtml>; rel=duplicate');
    expect(res.headers.digest).toBe(`SHA-256=${sha256(RENDERED)}`);
  });

  it('a path is percent-encoded in the mirror URL and the Metalink link', async () => {
    const res = await get('/files/a%20b.txt');
    expect(linkOf(res)).toContain('<http://127.0.0.2:8081/files/a%20b.txt>; rel=duplicate');
    expect(linkOf(res)).toContain(DESCRIBED('/files/a%20b.txt'));
  });

  it('HEAD carries the same Link, Digest and Repr-Digest as GET', async () => {
    for (const target of ['/files/text.txt', '/files/big.bin', '/page.shtml']) {
      const [getRes, headRes] = [await get(target), await get(target, {}, 'HEAD')];
      for (const field of ['link', 'digest', 'repr-digest'])
        expect([target, field, headRes.headers[field]]).toEqual([target, field, getRes.headers[field]]);
    }
  });

  it('304 › Link kept (a cache refreshes its entry from it), no Digest or Repr-Digest', async () => {
    const first = await get('/files/text.txt');
    const res = await get('/files/text.txt', { 'If-None-Match': String(first.headers.etag) });
    expect(res.status).toBe(304);
    expect(linkOf(res)).toBe(linkOf(first));
    expect(res.headers.digest).toBeUndefined();
    expect(res.headers['repr-digest']).toBeUndefined();
  });

  it('a compressed answer › Link, but no RFC 3230 Digest (it would name the identity bytes)', async () => {
    const res = await get('/files/text.txt', { 'Accept-Encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(linkOf(res)).toContain('rel=duplicate');
    expect(res.headers.digest).toBeUndefined();
  });

  it('a 206 › Link and Digest of the whole representation', async () => {
    const res = await get('/files/big.bin', { Range: 'bytes=0-99' });
    expect(res.status).toBe(206);
    expect(linkOf(res)).toContain('rel=duplicate');
    expect(res.headers.digest).toBe(`SHA-256=${sha256(BIG)}`);
  });

  it.each([
    ['Cookie', { Cookie: 'session=1' }],
    ['Authorization', { Authorization: 'Basic dTpw' }],
  ])('a request with %s › no mirror fields', async (_name, headers) => {
    const res = await get('/files/text.txt', headers);
    expect(res.status).toBe(200);
    expect(res.headers.link).toBeUndefined();
    expect(res.headers.digest).toBeUndefined();
  });

  it('a private answer › no mirror fields', async () => {
    const res = await get('/private/text.txt');
    expect(res.headers['cache-control']).toBe('private, max-age=60');
    expect(res.headers.link).toBeUndefined();
  });

  it('a page that read a request header › no mirror fields, even when a mirror lists its bytes', async () => {
    const res = await get('/lang.shtml');
    expect(res.body.toString()).toBe('lang (none)\n');
    expect(res.headers.link).toBeUndefined();
    expect(res.headers.digest).toBeUndefined();
  });

  it('a page that reads its query › no mirror fields', async () => {
    site.write('query.shtml', 'q <!--#echo var="QUERY_STRING" -->\n', at(7));
    const res = await get('/query.shtml');
    expect(res.body.toString()).toBe('q \n');
    expect(res.headers.link).toBeUndefined();
  });
});

describe('a change of eligibility', () => {
  it('a mirror left out disappears from the next answer, cached ones included', async () => {
    const own = new FakeMirrorDirectory([
      { mirror: M1, manifest: fresh },
      { mirror: M2, manifest: fresh },
    ]);
    const local = createApp({ root: site.root, watchFiles: false, mirrorDirectory: own });
    const server = await listenOnFreePort(local.callback());
    try {
      const before = await rawRequest(server, '/files/text.txt');
      expect(linkOf(before)).toContain('127.0.0.2');
      own.exclude('m1', 'down: connection refused');
      const after = await rawRequest(server, '/files/text.txt');
      expect(linkOf(after)).not.toContain('127.0.0.2');
      expect(linkOf(after)).toContain('127.0.0.3');
      own.exclude('m2', 'down: connection refused');
      const none = await rawRequest(server, '/files/text.txt');
      expect(none.headers.link).toBeUndefined();
      expect(none.headers.digest).toBeUndefined();
      expect(String(none.headers['surrogate-key']).split(' ')).not.toContain(MIRROR_LINKS_TAG);
    } finally {
      await closeServer(server);
      local.ssi.close();
    }
  });

  it(`at most ${MAX_MIRROR_LINKS} duplicates, the first by priority`, async () => {
    const many = Array.from({ length: MAX_MIRROR_LINKS + 3 }, (_, index) => ({
      mirror: { name: `m${index}`, url: `http://127.0.1.${index + 1}/`, priority: 100 - index },
      manifest: fresh,
    }));
    const local = createApp({
      root: site.root,
      watchFiles: false,
      mirrorDirectory: new FakeMirrorDirectory(many),
    });
    const server = await listenOnFreePort(local.callback());
    try {
      const link = linkOf(await rawRequest(server, '/files/text.txt')) ?? '';
      const duplicates = link.match(/rel=duplicate; pri=\d+/g) ?? [];
      expect(duplicates).toHaveLength(MAX_MIRROR_LINKS);
      expect(duplicates[0]).toBe(`rel=duplicate; pri=${100 - (MAX_MIRROR_LINKS + 2)}`);
    } finally {
      await closeServer(server);
      local.ssi.close();
    }
  });
});

describe('PATH?mirrorlist', () => {
  it('JSON for Accept: application/json › every mirror, eligible or with the reason it is left out', async () => {
    const res = await get('/files/text.txt?mirrorlist', { Accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.vary).toContain('Accept');
    expect(JSON.parse(res.body.toString())).toEqual({
      path: '/files/text.txt',
      sha256: sha256(TEXT),
      mirrors: [
        { name: 'm2', url: 'http://127.0.0.3:8081/site/files/text.txt', priority: 1, eligible: true },
        { name: 'm1', url: 'http://127.0.0.2:8081/files/text.txt', geo: 'de', priority: 2, eligible: true },
        {
          name: 'stale',
          url: 'http://127.0.0.4:8081/files/text.txt',
          eligible: false,
          reason: 'stale: other digest',
        },
      ],
    });
  });

  it('HTML otherwise, escaped', async () => {
    const res = await get('/files/text.txt?mirrorlist');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body.toString();
    expect(html).toContain('<h1>Mirrors of /files/text.txt</h1>');
    expect(html).toContain('left out: stale: other digest');
  });

  it('a page that read a request header › every mirror left out, saying why', async () => {
    const res = await get('/lang.shtml?mirrorlist', { Accept: 'application/json' });
    const list = JSON.parse(res.body.toString()) as { mirrors: Array<{ eligible: boolean; reason: string }> };
    expect(list.mirrors.map((mirror) => mirror.reason)).toEqual(Array(3).fill('bytes depend on the request'));
  });

  it('a missing file › 404', async () => {
    expect((await get('/nothing.txt?mirrorlist')).status).toBe(404);
  });
});

describe('PATH.meta4', () => {
  it('lists the eligible mirrors in configured order, then the origin', async () => {
    const res = await get('/files/text.txt.meta4');
    const urls = [
      ...res.body.toString().matchAll(/<url priority="(\d+)"(?: location="(\w+)")?>([^<]+)<\/url>/g),
    ].map(([, priority, location, url]) => [priority, location, url]);
    expect(urls).toEqual([
      ['1', undefined, 'http://127.0.0.3:8081/site/files/text.txt'],
      ['2', 'de', 'http://127.0.0.2:8081/files/text.txt'],
      ['3', undefined, expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/text\.txt$/)],
    ]);
  });
});
