// The render cache through the middleware on an in-memory docroot: variants, stampede, 304 without a render,
// eviction by bytes, the revalidation window and the fragment cache. Renders are counted through the onPageBuilt
// hook (called once per build, never for a cached response) and reads through a counting source.

import type { Server } from 'node:http';
import Koa from 'koa';
import { type FileContent } from '../../src/engine/file-source';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { ssi, type SsiOptions } from '../../src/server/ssi-middleware';
import { closeServer, listenOnFreePort } from '../support/listening-server';
import { rawRequest, type RawResponse } from '../support/raw-request';

/** A MemoryFileSource that counts reads per path and can hold reads of one path until released. */
class CountingSource extends MemoryFileSource {
  readonly reads = new Map<string, number>();
  gate: Promise<void> | undefined;

  override async read(path: string): Promise<FileContent> {
    this.reads.set(path, (this.reads.get(path) ?? 0) + 1);
    if (this.gate) await this.gate;
    return super.read(path);
  }
}

let server: Server | undefined;
/** The docroot path of each page rendered, in order. */
let renders: string[];
let arrived: number;

async function start(source: MemoryFileSource, options: Partial<SsiOptions> = {}) {
  renders = [];
  arrived = 0;
  const middleware = ssi({
    source,
    onPageBuilt: (built) => void renders.push(built.path),
    ...options,
  });
  const app = new Koa();
  app.use(async (_ctx, next) => {
    arrived++;
    await next();
  });
  app.use(middleware);
  server = await listenOnFreePort(app.callback());
  return middleware;
}

afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
});

const send = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  rawRequest(server as Server, path, headers, method);

const text = (reply: RawResponse) => reply.body.toString('latin1');

describe('variants of a page that reads Accept-Language', () => {
  const page = {
    '/lang.shtml': { content: '<!--#echo var="HTTP_ACCEPT_LANGUAGE" -->', mtimeMs: 1000 },
  };

  it('de, en, de, none › each request gets its own language; each variant renders once', async () => {
    await start(new MemoryFileSource(page));
    const bodies = [];
    for (const language of ['de', 'en', 'de', 'en', undefined]) {
      bodies.push(text(await send('/lang.shtml', language ? { 'Accept-Language': language } : {})));
    }
    expect(bodies).toEqual(['de', 'en', 'de', 'en', '(none)']);
    expect(renders).toHaveLength(3);
  });

  it('a query string › is part of the key, never answered from another URL', async () => {
    await start(new MemoryFileSource({ '/q.shtml': { content: '<!--#echo var="QUERY_STRING" -->' } }));
    expect(text(await send('/q.shtml?a'))).toBe('a');
    expect(text(await send('/q.shtml?b'))).toBe('b');
    expect(text(await send('/q.shtml?a'))).toBe('a');
  });

  it('a page that reads the clock › is rendered for every request', async () => {
    await start(new MemoryFileSource({ '/t.shtml': { content: '<!--#echo var="DATE_GMT" -->' } }));
    await send('/t.shtml');
    await send('/t.shtml');
    expect(renders).toHaveLength(2);
  });
});

describe('a stampede of concurrent misses', () => {
  it('20 requests for a page not yet cached › one render, 20 identical 200s', async () => {
    const source = new CountingSource({ '/p.shtml': { content: 'hello', mtimeMs: 1000 } });
    let release: () => void = () => undefined;
    source.gate = new Promise((resolve) => (release = resolve));
    await start(source);
    const replies = Array.from({ length: 20 }, () => send('/p.shtml'));
    while (arrived < 20) await new Promise((resolve) => setImmediate(resolve));
    release();
    const done = await Promise.all(replies);
    expect(done.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    expect(new Set(done.map((reply) => reply.headers.etag)).size).toBe(1);
    expect(renders).toHaveLength(1);
  });
});

describe('revalidation answered from the dependency check', () => {
  const files = () =>
    new MemoryFileSource({
      '/index.shtml': { content: '<!--#include virtual="/inc/a.html" -->', mtimeMs: 1000 },
      '/inc/a.html': { content: 'A', mtimeMs: 2000 },
    });

  it('If-None-Match and If-Modified-Since replays › 304 with no render; a changed fragment › 200 and one render', async () => {
    const source = files();
    await start(source);
    const first = await send('/index.shtml');
    const etag = first.headers.etag as string;
    expect((await send('/index.shtml', { 'If-None-Match': etag })).status).toBe(304);
    expect(
      (await send('/index.shtml', { 'If-Modified-Since': first.headers['last-modified'] as string })).status,
    ).toBe(304);
    expect(renders).toHaveLength(1);
    source.write('/inc/a.html', 'B', 500);
    const changed = await send('/index.shtml', { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(text(changed)).toBe('B');
    expect(renders).toHaveLength(2);
  });

  it('a fragment rewritten with the same size and mtime › still seen (the stamp includes the change time)', async () => {
    const source = files();
    await start(source);
    await send('/index.shtml');
    source.write('/inc/a.html', 'Z', 2000);
    expect(text(await send('/index.shtml'))).toBe('Z');
  });

  it('a revalidation window › a change inside it is not seen, after it is; clearCache() shows it at once', async () => {
    const source = files();
    let now = Date.UTC(2026, 0, 1);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const middleware = await start(source, { revalidateWindow: 1000 });
      expect(text(await send('/index.shtml'))).toBe('A');
      source.write('/inc/a.html', 'B', 3000);
      now += 999;
      expect(text(await send('/index.shtml'))).toBe('A');
      now += 1;
      expect(text(await send('/index.shtml'))).toBe('B');
      source.write('/inc/a.html', 'C', 4000);
      middleware.clearCache();
      expect(text(await send('/index.shtml'))).toBe('C');
    } finally {
      clock.mockRestore();
    }
  });
});

describe('memory bounds', () => {
  it('cacheSize below two pages › the least recently used page is evicted and rendered again', async () => {
    const big = 'x'.repeat(3000);
    await start(
      new MemoryFileSource({
        '/a.shtml': { content: big },
        '/b.shtml': { content: big },
      }),
      { cacheSize: 5000 },
    );
    await send('/a.shtml');
    await send('/a.shtml');
    expect(renders).toEqual(['/a.shtml']);
    await send('/b.shtml');
    await send('/a.shtml');
    expect(renders).toEqual(['/a.shtml', '/b.shtml', '/a.shtml']);
  });

  it('two pages sharing a fragment, render cache off › the fragment is read once (fragment cache)', async () => {
    const source = new CountingSource({
      '/one.shtml': { content: '1<!--#include virtual="/inc/shared.shtml" -->' },
      '/two.shtml': { content: '2<!--#include virtual="/inc/shared.shtml" -->' },
      '/inc/shared.shtml': { content: 'S<!--#echo var="DOCUMENT_NAME" -->' },
    });
    await start(source, { cache: false });
    expect(text(await send('/one.shtml'))).toBe('1Sone.shtml');
    expect(text(await send('/two.shtml'))).toBe('2Stwo.shtml');
    expect(text(await send('/one.shtml'))).toBe('1Sone.shtml');
    expect(source.reads.get('/inc/shared.shtml')).toBe(1);
  });
});
