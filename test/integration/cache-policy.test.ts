// The cache policy through the middleware: rules by path and type for pages and static files, the CDN-only
// fields on 200 and 304, and request-dependent pages on top (README, *Request-dependent pages*).

import Koa from 'koa';
import request from 'supertest';
import { MemoryFileSource, ssi } from '../../src/index';
import type { SsiOptions } from '../../src/server/ssi-middleware';

const MTIME = 1_700_000_000_000;
const RULES: SsiOptions['cacheRules'] = [
  { path: '/assets/**', maxAge: 31536000, immutable: true },
  { path: '/account/**', private: true, maxAge: 60 },
  { type: 'text/html', sMaxAge: 300, staleWhileRevalidate: 30, surrogateControl: 'max-age=3600' },
];

function app(options: Partial<SsiOptions> = {}): ReturnType<Koa['callback']> {
  const source = new MemoryFileSource({
    '/index.shtml': { content: 'home', mtimeMs: MTIME },
    '/cookie.shtml': { content: '<!--#echo var="HTTP_COOKIE" -->', mtimeMs: MTIME },
    '/client.shtml': { content: '<!--#echo var="REMOTE_ADDR" -->', mtimeMs: MTIME },
    '/account/me.shtml': { content: 'me', mtimeMs: MTIME },
    '/assets/app.js': { content: 'x()', mtimeMs: MTIME },
    '/doc.txt': { content: 'text', mtimeMs: MTIME },
  });
  return new Koa().use(ssi({ source, cacheRules: RULES, ...options })).callback();
}

describe('cache policy', () => {
  it('an SSI page matched by type › the rule’s Cache-Control and Surrogate-Control, on 200 and 304', async () => {
    const callback = app();
    const first = await request(callback).get('/index.shtml').expect(200);
    expect(first.headers['cache-control']).toBe('public, max-age=0, s-maxage=300, stale-while-revalidate=30');
    expect(first.headers['surrogate-control']).toBe('max-age=3600');
    const revalidated = await request(callback)
      .get('/index.shtml')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    expect(revalidated.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(revalidated.headers['surrogate-control']).toBe('max-age=3600');
  });

  it('a static file matched by path › its rule; one matching nothing › staticCacheControl', async () => {
    const callback = app({ staticCacheControl: 'public, max-age=120' });
    const asset = await request(callback).get('/assets/app.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['surrogate-control']).toBeUndefined();
    const revalidated = await request(callback)
      .get('/assets/app.js')
      .set('If-None-Match', asset.headers.etag)
      .expect(304);
    expect(revalidated.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await request(callback).get('/doc.txt')).headers['cache-control']).toBe('public, max-age=120');
  });

  it('the first matching rule wins › /account/ pages are private despite the html rule', async () => {
    const response = await request(app()).get('/account/me.shtml').expect(200);
    expect(response.headers['cache-control']).toBe('private, max-age=60');
    expect(response.headers['surrogate-control']).toBeUndefined();
  });

  it('a page reading Cookie › makes the rule private and drops the CDN-only fields', async () => {
    const response = await request(app()).get('/cookie.shtml').set('Cookie', 'a=1').expect(200);
    expect(response.headers['cache-control']).toBe('private, max-age=0, stale-while-revalidate=30');
    expect(response.headers['surrogate-control']).toBeUndefined();
  });

  it('a page reading the client address › private, no-cache and no CDN-only fields', async () => {
    const response = await request(app()).get('/client.shtml').expect(200);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(response.headers['surrogate-control']).toBeUndefined();
  });

  it('tags that do not fit even by folder › private and no Surrogate-Control either', async () => {
    const response = await request(app({ maxTagHeaderBytes: 5 }))
      .get('/index.shtml')
      .expect(200);
    expect(response.headers['cache-control']).toBe('private, max-age=0, stale-while-revalidate=30');
    expect(response.headers['surrogate-control']).toBeUndefined();
    expect(response.headers['surrogate-key']).toBeUndefined();
  });

  it('no rules › the configured cacheControl, as before', async () => {
    const response = await request(app({ cacheRules: undefined })).get('/index.shtml');
    expect(response.headers['cache-control']).toBe('public, max-age=0');
  });

  it('a bad rule › TypeError naming the rule and key when the middleware is created', () => {
    expect(() => ssi({ root: '.', cacheRules: [{ maxAge: -5 }] })).toThrow(/cacheRules\[0\]\.maxAge/);
  });
});
