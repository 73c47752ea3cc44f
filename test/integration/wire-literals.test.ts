// The exact ETag and purge-tag strings for given bytes and paths. They are contracts across versions: CDNs and
// browsers hold ETags from the previous release, and operators purge by tags they computed themselves (README
// "Behind a CDN"), so any change to these strings must be deliberate. Like jshttp/etag's own tests, the expected
// values are literals.
//
// How each literal was computed, once, by tools independent of this code (coreutils, xxd, OpenSSL, CPython zlib):
//   ETag   `"<length in hex>-<base64 SHA-256, first 27 characters>"` (the Repr-Digest's hash, so one hash serves both):
//          printf %s BYTES | sha256sum | cut -d' ' -f1 | xxd -r -p | base64 -w0 | cut -c1-27
//          (cross-checked for 'abc': printf abc | openssl dgst -sha256 -binary | openssl base64)
//   purge tag: printf %s PATH | sha256sum | cut -c1-12
//   gzip variant: CPython's zlib.compressobj(6, zlib.DEFLATED, 31) (system zlib 1.2.13) gave byte for byte what
//          Node's bundled zlib 1.3.1 gives at level 6; the tag is that of those 71 bytes.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { runCliOnce } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';
import { hashFile } from '../../src/engine/file-hash';
import { entityTagOf } from '../../src/engine/validators';
import { createApp } from '../../src/server/app';
import { directoryTagOf, purgeTagsFor, tagOf } from '../../src/server/purge-tags';

/** 200 times 'compressible text ' inside <p>…</p>: 3607 bytes. */
const COMPRESSIBLE = `<p>${'compressible text '.repeat(200)}</p>`;
/** 3 MiB of 'a': hashed in three 1 MiB chunks when streamed from disk. */
const THREE_MIB = Buffer.alloc(3 * 1024 * 1024, 'a');

describe('entityTagOf (pages and static files held in memory)', () => {
  it.each([
    ['no bytes', '"0-47DEQpj8HBSa+/TImW+5JCeuQeR"', Buffer.alloc(0)],
    ['abc', '"3-ungWv48Bz+pBQUDeXa4iI7ADYaO"', Buffer.from('abc')],
    ['Grüße in UTF-8 (7 bytes)', '"7-+D4Dl5bGRToQ9VGeOf0ROQFXIxa"', Buffer.from('Grüße', 'utf8')],
    ['a fragment', '"a-MIF+qrHDwd7/JsJFBUJUvpQRtW9"', Buffer.from('a fragment')],
    ['3607 bytes of compressible text', '"e17-PVHVBHIR920TR+ICRDXhffYjDyo"', Buffer.from(COMPRESSIBLE)],
    ['3 MiB of a', '"300000-b4ULyUrm994UKXwBYWw21xLSKGR"', THREE_MIB],
  ])('%s › %s', (_name, expected, bytes) => {
    expect(entityTagOf(bytes)).toBe(expected);
  });
});

describe('hashFile (big static files streamed from disk)', () => {
  it('3 MiB of a, read in chunks › the same tag as the bytes held in memory', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cdn-include-hash-'));
    try {
      writeFileSync(join(folder, 'big.txt'), THREE_MIB);
      const handle = await open(join(folder, 'big.txt'));
      try {
        // The digests as Python's hashlib gives them for the same bytes, in RFC 9530's byte-sequence form.
        expect(await hashFile(handle)).toEqual({
          etag: '"300000-b4ULyUrm994UKXwBYWw21xLSKGR"',
          digests: {
            'sha-256': 'sha-256=:b4ULyUrm994UKXwBYWw21xLSKGRJeyimO4HXdrA15lY=:',
            'sha-512':
              'sha-512=:R3wB2PKNm9gFIi2aqif9caA36zUnYh2r/iSB5l9GEsgGa0Uocbvg+nErrrriJBe+J7XCMl2aTgj1KsVLNXFtHw==:',
          },
          bytesRead: 3 * 1024 * 1024,
        });
      } finally {
        await handle.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('tagOf and directoryTagOf', () => {
  it.each([
    ['/inc/header.html', '38dc1004f536'],
    ['/inc/über.html', '803a37c718de'],
    ['/index.shtml', '5ca053b4f01d'],
    ['/inc/frag.html', 'c2382131b25d'],
    ['/inc/', '63a107df1fc3'],
    ['/inc/nav/', '0f68df05f5ca'],
    ['/', '8a5edab28263'],
  ])('%s › %s', (path, expected) => {
    expect(tagOf(path)).toBe(expected);
  });

  it('a file › the tag of its folder with a trailing slash', () => {
    expect(directoryTagOf('/inc/header.html')).toBe('63a107df1fc3');
    expect(directoryTagOf('/index.shtml')).toBe('8a5edab28263');
  });

  it('folder fallback › the page tag, then one tag per folder, in both header forms', () => {
    // Four file tags take 4 × 12 + 3 = 51 bytes; the page's and its two folders' tags take 38.
    const paths = ['/index.shtml', '/inc/frag.html', '/inc/header.html', '/inc/a.html'];
    expect(purgeTagsFor(paths, { maxHeaderBytes: 50 }).headers).toEqual([
      ['Surrogate-Key', '5ca053b4f01d 8a5edab28263 63a107df1fc3'],
      ['Cache-Tag', '5ca053b4f01d,8a5edab28263,63a107df1fc3'],
    ]);
  });

  it('cdn-include tag › the file tag, the folder tag and the path, tab-separated', async () => {
    expect(await runCliOnce(['tag', '/inc/header.html'])).toEqual({
      code: 0,
      stdout: '38dc1004f536\t63a107df1fc3\t/inc/header.html\n',
      stderr: '',
    });
  });
});

describe('the headers of responses', () => {
  let site: TempSite;
  beforeEach(() => {
    site = new TempSite()
      .write('index.shtml', 'a <!--#include virtual="/inc/frag.html" -->', at(1))
      .write('inc/frag.html', 'fragment', at(1))
      .write('page.shtml', COMPRESSIBLE, at(1))
      .write('style.css', 'body{}', at(1))
      .write('big.txt', THREE_MIB, at(1));
  });
  afterEach(() => site.remove());

  it('a page with an include › its ETag, Surrogate-Key and Cache-Tag', async () => {
    const response = await request(createApp({ root: site.root }).callback()).get('/index.shtml');
    expect(response.text).toBe('a fragment');
    expect(response.headers.etag).toBe('"a-MIF+qrHDwd7/JsJFBUJUvpQRtW9"');
    expect(response.headers['surrogate-key']).toBe('5ca053b4f01d c2382131b25d');
    expect(response.headers['cache-tag']).toBe('5ca053b4f01d,c2382131b25d');
  });

  it('a static file held in memory, and one streamed from disk › the ETag of their bytes', async () => {
    const app = createApp({ root: site.root, streamThreshold: 1024 }).callback();
    expect((await request(app).get('/style.css')).headers.etag).toBe('"6-fJgEClQWV1hGkK4qHMO0KotTsVn"');
    expect((await request(app).head('/big.txt')).headers.etag).toBe('"300000-b4ULyUrm994UKXwBYWw21xLSKGR"');
  });

  it('a page sent as identity and as gzip › the ETag of each form’s own bytes', async () => {
    const app = createApp({ root: site.root, compression: true }).callback();
    const identity = await request(app).get('/page.shtml').set('Accept-Encoding', 'identity');
    const gzip = await request(app).get('/page.shtml').set('Accept-Encoding', 'gzip');
    expect(identity.headers.etag).toBe('"e17-PVHVBHIR920TR+ICRDXhffYjDyo"');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.etag).toBe('"47-6hjUe9uxnKLbJMuOaw5fbm2qBVu"');
  });
});
