// `ssi()` as a drop-in Koa middleware, imported from the package's public entry point.

import Koa from 'koa';
import request from 'supertest';
import { MemoryFileSource, ssi } from '../../src/index';

function appWith(middleware: Koa.Middleware): Koa {
  const app = new Koa();
  app.use(middleware);
  app.use(async (ctx) => {
    if (ctx.path === '/api/hello') ctx.body = { hello: 'world' };
  });
  return app;
}

describe('ssi() in an existing Koa app', () => {
  const source = new MemoryFileSource({
    '/index.shtml': { content: 'page <!--#include virtual="/part.html" -->', mtimeMs: 1_700_000_000_000 },
    '/part.html': { content: 'part', mtimeMs: 1_700_000_001_000 },
  });

  it('a page › expanded with validators', async () => {
    const response = await request(appWith(ssi({ source })).callback())
      .get('/')
      .expect(200, 'page part');
    expect(response.headers['last-modified']).toBe('Tue, 14 Nov 2023 22:13:21 GMT');
    expect(response.headers.etag).toBeDefined();
  });

  it('a path with no file › passed on to the next middleware', async () => {
    await request(appWith(ssi({ source })).callback())
      .get('/api/hello')
      .expect(200, { hello: 'world' });
  });

  it('diagnostics › reported through onDiagnostic with the request context', async () => {
    const seen: string[] = [];
    const broken = new MemoryFileSource({ '/b.shtml': { content: '<!--#bogus -->' } });
    const middleware = ssi({
      source: broken,
      onDiagnostic: (diagnostic, ctx) => seen.push(`${diagnostic.code} ${ctx.path}`),
    });
    await request(appWith(middleware).callback()).get('/b.shtml').expect(200);
    expect(seen).toEqual(['unknown-directive /b.shtml']);
  });

  it('a custom cacheControl › sent on pages', async () => {
    const response = await request(
      appWith(ssi({ source, cacheControl: 'public, max-age=60, s-maxage=600' })).callback(),
    ).get('/');
    expect(response.headers['cache-control']).toBe('public, max-age=60, s-maxage=600');
  });

  it.each([
    ['no root or source', {}, /root/],
    ['a bad ssiExtensions', { source, ssiExtensions: ['shtml'] }, /ssiExtensions/],
    ['a bad expressionSyntax', { source, expressionSyntax: 'perl' }, /expressionSyntax/],
    ['a bad cacheControl', { source, cacheControl: 'public\r\nX-Evil: 1' }, /cacheControl/],
    ['a bad limit', { source, limits: { maxIncludeDepth: -1 } }, /maxIncludeDepth/],
  ])('%s › TypeError naming the option when the middleware is created', (_name, options, message) => {
    expect(() => ssi(options as Parameters<typeof ssi>[0])).toThrow(TypeError);
    expect(() => ssi(options as Parameters<typeof ssi>[0])).toThrow(message);
  });
});
