// Content-coding negotiation through the middleware: gzip and brotli variants with their own strong ETags,
// Vary: Accept-Encoding on every form, If-None-Match matching only its own form, HEAD equal to GET per coding.

import type { Server } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { createApp } from '../../src/server/app';
import { closeServer, listenOnFreePort } from '../support/listening-server';
import { rawRequest } from '../support/raw-request';

// Compressible by the mime database, missed by a regex over text-like type names.
const TYPED_BY_THE_MIME_DATABASE = [
  'favicon.ico',
  'photo.bmp',
  'font.ttf',
  'font.otf',
  'font.eot',
  'app.wasm',
];
// Compressed by their own format: a coding only costs CPU.
const ALREADY_COMPRESSED = ['photo.png', 'photo.jpg', 'font.woff2', 'archive.gz'];
// application/octet-stream, compressible in the mime database: the project's exception (installers, disk images).
const OPAQUE_BINARY = ['installer.dmg'];

const PAGE = `<p>${'compressible text '.repeat(200)}</p><!--#include virtual="/inc/f.html" -->`;
let server: Server;
let source: MemoryFileSource;

beforeEach(async () => {
  source = new MemoryFileSource({
    '/page.shtml': { content: PAGE, mtimeMs: 1000 },
    '/inc/f.html': { content: 'fragment', mtimeMs: 2000 },
    '/small.shtml': { content: 'tiny', mtimeMs: 1000 },
    '/style.css': { content: `body { color: red; }\n`.repeat(100), mtimeMs: 1000 },
    '/image.png': { content: Buffer.alloc(4000, 1), mtimeMs: 1000 },
    ...Object.fromEntries(
      [...TYPED_BY_THE_MIME_DATABASE, ...ALREADY_COMPRESSED, ...OPAQUE_BINARY].map((file) => [
        `/${file}`,
        { content: Buffer.alloc(4000, 1), mtimeMs: 1000 },
      ]),
    ),
  });
  server = await listenOnFreePort(createApp({ source, compression: true }).callback());
});

afterEach(() => closeServer(server));

const send = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  rawRequest(server, path, headers, method);

const expanded = PAGE.replace('<!--#include virtual="/inc/f.html" -->', 'fragment');

describe('a compressible page', () => {
  it('identity, gzip and br › the same text, three distinct strong ETags, Vary: Accept-Encoding on each', async () => {
    const identity = await send('/page.shtml');
    const gzip = await send('/page.shtml', { 'Accept-Encoding': 'gzip' });
    const brotli = await send('/page.shtml', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(identity.body.toString()).toBe(expanded);
    expect(gunzipSync(gzip.body).toString()).toBe(expanded);
    expect(brotliDecompressSync(brotli.body).toString()).toBe(expanded);
    expect([
      identity.headers['content-encoding'],
      gzip.headers['content-encoding'],
      brotli.headers['content-encoding'],
    ]).toEqual([undefined, 'gzip', 'br']);
    const tags = [identity.headers.etag, gzip.headers.etag, brotli.headers.etag];
    expect(new Set(tags).size).toBe(3);
    for (const tag of tags) expect(tag).toMatch(/^"[^"]+"$/);
    for (const reply of [identity, gzip, brotli]) expect(reply.headers.vary).toBe('Accept-Encoding');
    expect(Number(gzip.headers['content-length'])).toBe(gzip.body.length);
  });

  it('If-None-Match › 304 only for the form it names (no Apache "-gzip" mismatch), with Vary on the 304', async () => {
    const gzip = await send('/page.shtml', { 'Accept-Encoding': 'gzip' });
    const identity = await send('/page.shtml');
    const gzipTag = gzip.headers.etag as string;
    const replay = await send('/page.shtml', { 'Accept-Encoding': 'gzip', 'If-None-Match': gzipTag });
    expect(replay.status).toBe(304);
    expect(replay.headers.etag).toBe(gzipTag);
    expect(replay.headers.vary).toBe('Accept-Encoding');
    expect(replay.headers['content-encoding']).toBeUndefined();
    expect((await send('/page.shtml', { 'If-None-Match': gzipTag })).status).toBe(200);
    expect(
      (
        await send('/page.shtml', {
          'Accept-Encoding': 'gzip',
          'If-None-Match': identity.headers.etag as string,
        })
      ).status,
    ).toBe(200);
    expect((await send('/page.shtml', { 'If-None-Match': identity.headers.etag as string })).status).toBe(
      304,
    );
  });

  it.each([
    ['identity', ''],
    ['gzip', 'gzip'],
    ['br', 'br'],
  ])('HEAD with %s › the headers of GET, no body', async (_name, coding) => {
    const headers: Record<string, string> = coding ? { 'Accept-Encoding': coding } : {};
    const get = await send('/page.shtml', headers);
    const head = await send('/page.shtml', headers, 'HEAD');
    const { date: _getDate, ...getHeaders } = get.headers;
    const { date: _headDate, ...headHeaders } = head.headers;
    expect(headHeaders).toEqual(getHeaders);
    expect(head.body.length).toBe(0);
  });

  it('a fragment changes › every form gets new bytes and a new ETag', async () => {
    const before = await send('/page.shtml', { 'Accept-Encoding': 'gzip' });
    source.write('/inc/f.html', 'changed', 3000);
    const after = await send('/page.shtml', { 'Accept-Encoding': 'gzip' });
    expect(gunzipSync(after.body).toString()).toContain('changed');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it.each([
    ['gzip;q=0', undefined],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['identity', undefined],
    ['x-gzip', 'gzip'],
  ])('Accept-Encoding: %s › Content-Encoding %s', async (field, coding) => {
    expect((await send('/page.shtml', { 'Accept-Encoding': field })).headers['content-encoding']).toBe(
      coding,
    );
  });
});

describe('what is not compressed', () => {
  it('a page under the threshold › identity and no Vary', async () => {
    const reply = await send('/small.shtml', { 'Accept-Encoding': 'gzip' });
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.headers.vary).toBeUndefined();
  });

  it('a PNG › identity and no Vary; a CSS file › gzip with Vary', async () => {
    const png = await send('/image.png', { 'Accept-Encoding': 'gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers.vary).toBeUndefined();
    const css = await send('/style.css', { 'Accept-Encoding': 'gzip' });
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers.vary).toBe('Accept-Encoding');
  });

  it('compression off (the default) › identity, no Vary, even when gzip is accepted', async () => {
    const plain = await listenOnFreePort(createApp({ source }).callback());
    const previous = server;
    server = plain;
    try {
      const reply = await send('/page.shtml', { 'Accept-Encoding': 'gzip, br' });
      expect(reply.headers['content-encoding']).toBeUndefined();
      expect(reply.headers.vary).toBeUndefined();
    } finally {
      server = previous;
      await closeServer(plain);
    }
  });
});

describe('compressibility from the mime database', () => {
  it.each(TYPED_BY_THE_MIME_DATABASE)('%s › gzip with Vary: Accept-Encoding', async (file) => {
    const reply = await send(`/${file}`, { 'Accept-Encoding': 'gzip' });
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(reply.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(reply.body)).toEqual(Buffer.alloc(4000, 1));
  });

  it.each([...ALREADY_COMPRESSED, ...OPAQUE_BINARY])('%s › identity and no Vary', async (file) => {
    const reply = await send(`/${file}`, { 'Accept-Encoding': 'gzip, br' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.headers.vary).toBeUndefined();
  });
});

describe('maxCompressBytes', () => {
  it('a body above it › sent as it is, without Vary: Accept-Encoding', async () => {
    const small = await listenOnFreePort(
      createApp({ source, compression: true, maxCompressBytes: 1500 }).callback(),
    );
    const previous = server;
    server = small;
    try {
      const reply = await send('/style.css', { 'Accept-Encoding': 'gzip, br' });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-encoding']).toBeUndefined();
      expect(reply.headers.vary).toBeUndefined();
      expect(reply.body.toString()).toBe(`body { color: red; }\n`.repeat(100));
    } finally {
      server = previous;
      await closeServer(small);
    }
  });
});
