// The integrity fields through the app (RFC 9530, draft Unencoded-Digest): each checked against digests the test
// makes itself from the bytes it received. Repr-Digest on every 200, 206 and HEAD of pages, files held in memory and
// files streamed from disk; Unencoded-Digest on compressed answers; Content-Digest on a 206 and when asked;
// Want-* preferences followed or, when unusable, ignored; none on 304, 412 or 416; two origins alike.

import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createApp } from '../../src/server/app';
import { closeServer, listenOnFreePort } from '../support/listening-server';
import { rawRequest, type RawResponse } from '../support/raw-request';
import { at, TempSite } from '../support/temp-site';

const PAGE = `<html><body>${'<p>words</p>'.repeat(200)}<!--#include virtual="/inc/f.html" --></body></html>`;
const STYLE = 'body { color: red; }\n'.repeat(40); // 840 bytes: held in memory
const BIG = Buffer.from('0123456789abcdef'.repeat(256)); // 4 KiB: streamed above the 1 KiB threshold below

let site: TempSite;
let origin: Server;

beforeAll(async () => {
  site = new TempSite()
    .write('page.shtml', PAGE, at(1))
    .write('inc/f.html', 'fragment', at(2))
    .write('style.css', STYLE, at(3))
    .write('big.bin', BIG, at(4));
  origin = await startOrigin();
});

afterAll(async () => {
  await closeServer(origin);
  site.remove();
});

function startOrigin(): Promise<Server> {
  return listenOnFreePort(
    createApp({ root: site.root, compression: true, streamThreshold: 1024, watchFiles: false }).callback(),
  );
}

/** `sha-256=:…:` (or sha-512) of `bytes`, made here with node:crypto. */
function field(bytes: Buffer, algorithm: 'sha-256' | 'sha-512' = 'sha-256'): string {
  return `${algorithm}=:${createHash(algorithm.replace('-', '')).update(bytes).digest('base64')}:`;
}

const get = (target: string, headers: Record<string, string> = {}) => rawRequest(origin, target, headers);
const head = (target: string, headers: Record<string, string> = {}) =>
  rawRequest(origin, target, headers, 'HEAD');
const DIGEST_FIELDS = ['repr-digest', 'content-digest', 'unencoded-digest'];
const digestFieldsOf = (response: RawResponse) =>
  DIGEST_FIELDS.filter((name) => response.headers[name] !== undefined);

describe('Repr-Digest on every 200 and HEAD', () => {
  it.each(['/page.shtml', '/style.css', '/big.bin'])(
    '%s › the sha-256 of the bytes received; HEAD the same',
    async (path) => {
      const full = await get(path);
      expect(full.status).toBe(200);
      expect(full.headers['repr-digest']).toBe(field(full.body));
      expect(full.headers['content-digest']).toBeUndefined();
      const headers = await head(path);
      expect(headers.body.length).toBe(0);
      expect(headers.headers['repr-digest']).toBe(full.headers['repr-digest']);
    },
  );

  it('gzip › Repr-Digest of the gzip bytes, Unencoded-Digest of the identity bytes', async () => {
    const compressed = await get('/page.shtml', { 'Accept-Encoding': 'gzip' });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers['repr-digest']).toBe(field(compressed.body));
    expect(compressed.headers['unencoded-digest']).toBe(field(gunzipSync(compressed.body)));
    expect((await get('/page.shtml')).headers['unencoded-digest']).toBeUndefined();
  });

  it('two origins serving the same files › the same identity digests', async () => {
    const other = await startOrigin();
    try {
      for (const path of ['/page.shtml', '/style.css', '/big.bin'])
        expect((await rawRequest(other, path)).headers['repr-digest']).toBe(
          (await get(path)).headers['repr-digest'],
        );
    } finally {
      await closeServer(other);
    }
  });
});

describe('206', () => {
  it.each(['/page.shtml', '/style.css'])(
    '%s › Content-Digest of the part, Repr-Digest of the whole',
    async (path) => {
      const whole = await get(path);
      const part = await get(path, { Range: 'bytes=10-99' });
      expect(part.status).toBe(206);
      expect(part.body.equals(whole.body.subarray(10, 100))).toBe(true);
      expect(part.headers['content-digest']).toBe(field(part.body));
      expect(part.headers['repr-digest']).toBe(field(whole.body));
    },
  );

  it('a file streamed from disk › Repr-Digest of the whole; no Content-Digest (its range would be read twice)', async () => {
    const part = await get('/big.bin', { Range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers['repr-digest']).toBe(field(BIG));
    expect(part.headers['content-digest']).toBeUndefined();
  });

  it('a range that is the whole representation › Content-Digest equals Repr-Digest, streamed too', async () => {
    const part = await get('/big.bin', { Range: `bytes=0-${BIG.length - 1}` });
    expect(part.status).toBe(206);
    expect(part.headers['content-digest']).toBe(field(BIG));
  });
});

describe('Want-Repr-Digest and Want-Content-Digest', () => {
  it.each(['/page.shtml', '/big.bin'])('%s: sha-512 preferred › sha-512', async (path) => {
    const response = await get(path, { 'Want-Repr-Digest': 'sha-256=1, sha-512=9' });
    expect(response.headers['repr-digest']).toBe(field(response.body, 'sha-512'));
  });

  it.each([
    ['an algorithm not served', 'unixsum=10, md5=9'],
    ['sha-512 not acceptable (0)', 'sha-512=0'],
    ['not a dictionary', '"sha-512"; =='],
  ])('%s › the default sha-256, never an error', async (_, wish) => {
    const response = await get('/page.shtml', { 'Want-Repr-Digest': wish });
    expect(response.status).toBe(200);
    expect(response.headers['repr-digest']).toBe(field(response.body));
  });

  it('Want-Content-Digest on a 200 › Content-Digest of the bytes sent, in the preferred algorithm', async () => {
    const response = await get('/style.css', { 'Want-Content-Digest': 'sha-512=5' });
    expect(response.headers['content-digest']).toBe(field(response.body, 'sha-512'));
    expect(response.headers['repr-digest']).toBe(field(response.body));
  });
});

describe('no digest where no representation is sent', () => {
  it.each(['/page.shtml', '/style.css', '/big.bin'])('%s: 304, 412 and 416 › none', async (path) => {
    const { etag } = (await get(path)).headers as { etag: string };
    const notModified = await get(path, { 'If-None-Match': etag });
    expect(notModified.status).toBe(304);
    expect(digestFieldsOf(notModified)).toEqual([]);
    const failed = await get(path, { 'If-Match': '"other"' });
    expect(failed.status).toBe(412);
    expect(digestFieldsOf(failed)).toEqual([]);
    const unsatisfiable = await get(path, { Range: 'bytes=999999-' });
    expect(unsatisfiable.status).toBe(416);
    expect(digestFieldsOf(unsatisfiable)).toEqual([]);
  });
});
