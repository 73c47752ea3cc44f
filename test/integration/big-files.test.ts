// Static files above the streaming threshold (README, *Big static files*), through the real middleware on a
// real docroot: streamed GET, Range, HEAD = GET, If-Range, the ETag of the same bytes held in memory, hashed
// once per version.

import { once } from 'node:events';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { FileEntityTags } from '../../src/engine/file-entity-tags';
import * as fileHash from '../../src/engine/file-hash';
import { FileRangeStream } from '../../src/engine/file-range-stream';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { entityTagOf } from '../../src/engine/validators';
import { createApp } from '../../src/server/app';
import { fakeDateOnly } from '../support/fake-date';
import { at, TempSite } from '../support/temp-site';

// A small threshold, so the tests stream files of a few kilobytes.
const THRESHOLD = 1024;
const BYTES = Buffer.from(Array.from({ length: 10_000 }, (_, index) => (index * 7919) % 251));

let site: TempSite;
let server: ReturnType<typeof request>;

beforeEach(() => {
  site = new TempSite();
  site.write('big.bin', BYTES, at(100)).write('small.txt', 'small', at(100));
  server = request(createApp({ root: site.root, streamThreshold: THRESHOLD }).callback());
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  site.remove();
});

/** The response's headers without the ones that differ from one request to the next. */
function stableHeaders(response: request.Response): Record<string, string> {
  const { date, connection, ...rest } = response.headers as Record<string, string>;
  return rest;
}

describe('a static file above the threshold', () => {
  it('GET › 200 with every byte, its length, and the ETag of the same bytes held in memory', async () => {
    const response = await server.get('/big.bin').buffer(true).expect(200);
    expect(Buffer.compare(response.body as Buffer, BYTES)).toBe(0);
    expect(response.headers['content-length']).toBe(String(BYTES.length));
    expect(response.headers.etag).toBe(entityTagOf(BYTES));
    const inMemory = request(createApp({ root: site.root }).callback());
    expect((await inMemory.get('/big.bin')).headers.etag).toBe(response.headers.etag);
    expect(response.headers['accept-ranges']).toBe('bytes');
    expect(response.headers['last-modified']).toBe(new Date(at(100) * 1000).toUTCString());
  });

  it('a single Range › 206 with only those bytes and Content-Range', async () => {
    const response = await server.get('/big.bin').set('Range', 'bytes=100-199').buffer(true).expect(206);
    expect(Buffer.compare(response.body as Buffer, BYTES.subarray(100, 200))).toBe(0);
    expect(response.headers['content-range']).toBe(`bytes 100-199/${BYTES.length}`);
    expect(response.headers['content-length']).toBe('100');
  });

  it('a suffix Range › 206 with the last bytes', async () => {
    const response = await server.get('/big.bin').set('Range', 'bytes=-10').buffer(true).expect(206);
    expect(Buffer.compare(response.body as Buffer, BYTES.subarray(-10))).toBe(0);
  });

  it('a Range past the end › 416 with the length', async () => {
    const response = await server.get('/big.bin').set('Range', `bytes=${BYTES.length}-`).expect(416);
    expect(response.headers['content-range']).toBe(`bytes */${BYTES.length}`);
  });

  it('several ranges › the whole 200', async () => {
    const response = await server.get('/big.bin').set('Range', 'bytes=0-1,5-6').buffer(true).expect(200);
    expect((response.body as Buffer).length).toBe(BYTES.length);
  });

  it("HEAD › exactly GET's headers, Content-Length included, without reading the file", async () => {
    const read = jest.spyOn(FileRangeStream.prototype, '_read');
    const head = await server.head('/big.bin').expect(200);
    expect(read).not.toHaveBeenCalled();
    const get = await server.get('/big.bin').buffer(true).expect(200);
    expect(stableHeaders(head)).toEqual(stableHeaders(get));
  });

  it('HEAD with a Range › the 200 headers, as RFC 9110 §14.2 defines Range for GET only', async () => {
    const head = await server.head('/big.bin').set('Range', 'bytes=5-9').expect(200);
    expect(head.headers['content-length']).toBe(String(BYTES.length));
  });

  it('If-Range with the current ETag › 206; with another › the whole 200', async () => {
    const { etag } = (await server.head('/big.bin')).headers;
    await server.get('/big.bin').set('Range', 'bytes=0-9').set('If-Range', etag).expect(206);
    const stale = await server
      .get('/big.bin')
      .set('Range', 'bytes=0-9')
      .set('If-Range', '"0-other"')
      .buffer(true)
      .expect(200);
    expect((stale.body as Buffer).length).toBe(BYTES.length);
  });

  it('If-None-Match with the ETag › 304 with no body', async () => {
    const { etag } = (await server.head('/big.bin')).headers;
    const response = await server.get('/big.bin').set('If-None-Match', etag).expect(304);
    expect(response.headers['content-length']).toBeUndefined();
  });

  it('repeated and concurrent requests › the file is hashed once', async () => {
    // Its ctime is now: stand a few seconds later, when its stamp is no longer racy.
    fakeDateOnly(Date.now() + 10_000);
    const hash = jest.spyOn(fileHash, 'hashFile');
    // Distinct queries: distinct cache keys, so each request opens the file itself.
    await Promise.all([1, 2, 3, 4, 5].map((n) => server.get(`/big.bin?${n}`).buffer(true).expect(200)));
    await server.head('/big.bin').expect(200);
    await server.get('/big.bin').set('Range', 'bytes=1-2').expect(206);
    expect(hash).toHaveBeenCalledTimes(1);
  });

  it('changed within a timestamp tick of its hashing › hashed again on each request (racy)', async () => {
    const hash = jest.spyOn(fileHash, 'hashFile');
    await server.get('/big.bin').buffer(true).expect(200);
    await server.get('/big.bin').buffer(true).expect(200);
    expect(hash).toHaveBeenCalledTimes(2);
  });

  it('changed between two requests › the new bytes and a new ETag', async () => {
    const hash = jest.spyOn(fileHash, 'hashFile');
    const before = await server.get('/big.bin').buffer(true);
    const changed = Buffer.from(BYTES).fill(42, 0, 10);
    site.write('big.bin', changed, at(100));
    const after = await server.get('/big.bin').buffer(true).expect(200);
    expect(Buffer.compare(after.body as Buffer, changed)).toBe(0);
    expect(after.headers.etag).toBe(entityTagOf(changed));
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(hash).toHaveBeenCalledTimes(2);
  });

  it('with compression on › sent identity-coded, without Vary', async () => {
    site.write('big.txt', 'text '.repeat(1000), at(100));
    const app = createApp({ root: site.root, streamThreshold: THRESHOLD, compression: true });
    const response = await request(app.callback()).get('/big.txt').set('Accept-Encoding', 'gzip, br');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toBeUndefined();
    expect(response.headers['content-length']).toBe('5000');
  });

  it('a file that changes during every hashing › 503 with Retry-After, never a tag of other bytes', async () => {
    jest.spyOn(FileEntityTags.prototype, 'hashes').mockResolvedValue(undefined);
    const response = await server.get('/big.bin').expect(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.etag).toBeUndefined();
  });

  it('› reported to onPageBuilt like any static file (watch mode purges it)', async () => {
    const built: unknown[] = [];
    const app = createApp({
      root: site.root,
      streamThreshold: THRESHOLD,
      onPageBuilt: (page) => built.push(page),
    });
    await request(app.callback()).get('/big.bin?x').buffer(true).expect(200);
    expect(built).toEqual([
      { url: '/big.bin', path: '/big.bin', dependencies: [{ path: '/big.bin', exists: true }] },
    ]);
  });

  it('at or below the threshold › read whole as before (same ETag rule)', async () => {
    const response = await server.get('/small.txt').expect(200);
    expect(response.text).toBe('small');
    expect(response.headers.etag).toBe(entityTagOf(Buffer.from('small')));
  });
});

describe('a file changed while it is being sent', () => {
  it('› the response is cut short before its last bytes, and the error is reported', async () => {
    // Bigger than what the loopback socket buffers hold, so the server is still reading when it changes.
    const size = 32 * 1024 * 1024;
    site.write('moving.bin', Buffer.alloc(size, 1), at(100));
    const app = createApp({ root: site.root, streamThreshold: THRESHOLD });
    const errors: string[] = [];
    app.on('error', (err: Error) => errors.push(err.message));
    const listening = app.listen(0, '127.0.0.1');
    await once(listening, 'listening');
    const { port } = listening.address() as AddressInfo;
    try {
      const received = await new Promise<{ bytes: number; complete: boolean }>((resolve) => {
        get({ host: '127.0.0.1', port, path: '/moving.bin' }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            if (bytes === 0) {
              site.touch('moving.bin', at(200));
            }
            bytes += chunk.length;
          });
          res.on('error', () => undefined);
          res.on('close', () => resolve({ bytes, complete: res.complete }));
        });
      });
      expect(received.complete).toBe(false);
      expect(received.bytes).toBeLessThan(size);
      expect(errors).toContain('/moving.bin changed while it was being sent; the response was cut short');
    } finally {
      listening.closeAllConnections();
      listening.close();
    }
  });
});

describe('an unexpected error while opening a big file', () => {
  it('› 500 and the error handed to onError for the log, not a silent 404 or 403', async () => {
    const source = new MemoryFileSource();
    source.write('/big.bin', BYTES, 0);
    const failing = Object.assign(source, {
      open: () => Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })),
    });
    const errors: Error[] = [];
    const app = createApp({
      source: failing,
      streamThreshold: THRESHOLD,
      onError: (err) => errors.push(err as Error),
    });
    await request(app.callback()).get('/big.bin').expect(500);
    expect(errors.map((err) => err.message)).toEqual(['EIO: i/o error']);
  });
});

describe('a sparse file of more than 2 GiB, at the default threshold', () => {
  const SIZE = 2 ** 31 + 10;

  beforeEach(() => {
    const fd = openSync(site.path('huge.bin'), 'w');
    ftruncateSync(fd, SIZE);
    closeSync(fd);
  });

  it('HEAD › 200 with its length; a Range GET › 206 with those bytes; both with one ETag', async () => {
    const app = createApp({ root: site.root });
    const huge = request(app.callback());
    const head = await huge.head('/huge.bin').expect(200);
    expect(head.headers['content-length']).toBe(String(SIZE));
    expect(head.headers.etag).toMatch(new RegExp(`^"${SIZE.toString(16)}-`));
    const range = await huge
      .get('/huge.bin')
      .set('Range', `bytes=${SIZE - 5}-`)
      .buffer(true)
      .expect(206);
    expect(Buffer.compare(range.body as Buffer, Buffer.alloc(5))).toBe(0);
    expect(range.headers['content-range']).toBe(`bytes ${SIZE - 5}-${SIZE - 1}/${SIZE}`);
    expect(range.headers.etag).toBe(head.headers.etag);
  }, 120_000);
});

describe('the option', () => {
  it.each([[-1], [1.5], ['1'], [2 ** 31]])('streamThreshold %p › TypeError naming it', (value) => {
    expect(() => createApp({ root: site.root, streamThreshold: value as number })).toThrow(/streamThreshold/);
  });
});
