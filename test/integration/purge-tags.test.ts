// Purge tags through the middleware (README "Behind a CDN"): on 200 and 304, for pages and static
// files, for missing includes, with the fallback and the switch; and `check` reporting them.

import { createServer } from 'node:http';
import Koa from 'koa';
import request from 'supertest';
import { MemoryFileSource, ssi } from '../../src/index';
import type { SsiOptions } from '../../src/server/ssi-middleware';
import { tagOf } from '../../src/server/purge-tags';
import { checkRevalidation } from '../../src/check/revalidation-check';

const MTIME = 1_700_000_000_000;

function source(): MemoryFileSource {
  const fragments = Object.fromEntries(
    [1, 2, 3, 4, 5].map((n) => [`/inc/f${n}.html`, { content: `${n}`, mtimeMs: MTIME }]),
  );
  return new MemoryFileSource({
    ...fragments,
    '/a.shtml': { content: 'a <!--#include virtual="/inc/frag.html" -->', mtimeMs: MTIME },
    '/b.shtml': {
      content: 'b <!--#include virtual="/inc/frag.html" --><!--#include virtual="/inc/gone.html" -->',
      mtimeMs: MTIME,
    },
    '/c.shtml': { content: 'c', mtimeMs: MTIME },
    '/inc/frag.html': { content: 'fragment', mtimeMs: MTIME },
    '/style.css': { content: 'body{}', mtimeMs: MTIME },
    '/many.shtml': {
      content: [1, 2, 3, 4, 5].map((n) => `<!--#include virtual="/inc/f${n}.html" -->`).join(''),
      mtimeMs: MTIME,
    },
  });
}

function app(options: Partial<SsiOptions> = {}): ReturnType<Koa['callback']> {
  return new Koa().use(ssi({ source: source(), ...options })).callback();
}

describe('purge tags', () => {
  it('a page › Surrogate-Key and Cache-Tag name the page and its fragment', async () => {
    const response = await request(app()).get('/a.shtml').expect(200);
    const tags = [tagOf('/a.shtml'), tagOf('/inc/frag.html')];
    expect(response.headers['surrogate-key']).toBe(tags.join(' '));
    expect(response.headers['cache-tag']).toBe(tags.join(','));
  });

  it('a missing include › tagged too, so its appearance can be purged', async () => {
    const response = await request(app()).get('/b.shtml').expect(200);
    expect(response.headers['surrogate-key']?.split(' ')).toEqual(
      ['/b.shtml', '/inc/frag.html', '/inc/gone.html'].map(tagOf),
    );
  });

  it('purging the fragment tag › matches exactly the pages that include it', async () => {
    const callback = app();
    const fragment = tagOf('/inc/frag.html');
    const carrying: string[] = [];
    for (const page of ['/a.shtml', '/b.shtml', '/c.shtml']) {
      const response = await request(callback).get(page).expect(200);
      if (response.headers['surrogate-key']?.split(' ').includes(fragment)) carrying.push(page);
    }
    expect(carrying).toEqual(['/a.shtml', '/b.shtml']);
  });

  it('a 304 › repeats both tag headers (RFC 9111 §4.3.4)', async () => {
    const callback = app();
    const first = await request(callback).get('/a.shtml').expect(200);
    const revalidated = await request(callback)
      .get('/a.shtml')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    expect(revalidated.headers['surrogate-key']).toBe(first.headers['surrogate-key']);
    expect(revalidated.headers['cache-tag']).toBe(first.headers['cache-tag']);
    const byDate = await request(callback)
      .get('/a.shtml')
      .set('If-Modified-Since', first.headers['last-modified'])
      .expect(304);
    expect(byDate.headers['cache-tag']).toBe(first.headers['cache-tag']);
  });

  it('a static file › tagged with itself, on 200 and 304', async () => {
    const callback = app();
    const first = await request(callback).get('/style.css').expect(200);
    expect(first.headers['surrogate-key']).toBe(tagOf('/style.css'));
    const revalidated = await request(callback)
      .get('/style.css')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    expect(revalidated.headers['cache-tag']).toBe(tagOf('/style.css'));
  });

  it('renamed headers, or purgeTags false › the names given, or none', async () => {
    const renamed = await request(app({ surrogateKeyHeader: 'xkey', cacheTagHeader: false })).get('/a.shtml');
    expect(renamed.headers.xkey).toBe(`${tagOf('/a.shtml')} ${tagOf('/inc/frag.html')}`);
    expect(renamed.headers['cache-tag']).toBeUndefined();
    const off = await request(app({ purgeTags: false })).get('/a.shtml');
    expect(off.headers['surrogate-key']).toBeUndefined();
    expect(off.headers['cache-tag']).toBeUndefined();
  });

  it('tags over the limit › the page tag plus folder tags, and a purge-tags-coarsened diagnostic', async () => {
    const seen: string[] = [];
    const response = await request(
      app({ maxTagHeaderBytes: 50, onDiagnostic: (d) => seen.push(d.code) }),
    ).get('/many.shtml');
    expect(response.headers['surrogate-key']).toBe(
      [tagOf('/many.shtml'), tagOf('/'), tagOf('/inc/')].join(' '),
    );
    expect(response.headers['cache-tag']).toBe([tagOf('/many.shtml'), tagOf('/'), tagOf('/inc/')].join(','));
    expect(seen).toEqual(['purge-tags-coarsened']);
  });

  it('even folder tags over the limit › no tag header, private, on 200 and 304, with a diagnostic', async () => {
    const seen: string[] = [];
    const callback = app({
      maxTagHeaderBytes: 12,
      cacheControl: 'public, s-maxage=600',
      onDiagnostic: (d) => seen.push(d.code),
    });
    const first = await request(callback).get('/a.shtml').expect(200);
    expect(first.headers['surrogate-key']).toBeUndefined();
    expect(first.headers['cache-tag']).toBeUndefined();
    expect(first.headers['cache-control']).toBe('private');
    const revalidated = await request(callback)
      .get('/a.shtml')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    expect(revalidated.headers['cache-control']).toBe('private');
    expect(new Set(seen)).toEqual(new Set(['purge-tags-dropped']));
  });

  it.each([
    ['a bad surrogateKeyHeader', { surrogateKeyHeader: 'Surrogate Key' }, /surrogateKeyHeader/],
    ['a bad cacheTagHeader', { cacheTagHeader: 'Cache-Tag\r\nX: 1' }, /cacheTagHeader/],
    ['a bad purgeTags', { purgeTags: 'yes' }, /purgeTags/],
    ['a bad maxTagHeaderBytes', { maxTagHeaderBytes: -1 }, /maxTagHeaderBytes/],
  ])('%s › TypeError naming the option', (_name, options, message) => {
    expect(() => ssi({ source: source(), ...(options as Partial<SsiOptions>) })).toThrow(message);
  });
});

describe('cdn-include check against the origin', () => {
  it('reports the tag headers of the 200 and the 304s, and no not-modified-drops-tags', async () => {
    const server = createServer(app()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const result = await checkRevalidation(`http://127.0.0.1:${port}/a.shtml`);
      const tags = `${tagOf('/a.shtml')} ${tagOf('/inc/frag.html')}`;
      expect(result.exchanges.map((exchange) => exchange.headers['surrogate-key'])).toEqual(
        Array(5).fill(tags),
      );
      expect(result.problems.map((problem) => problem.code)).not.toContain('not-modified-drops-tags');
    } finally {
      server.close();
    }
  });
});
