// In-band control of our edges under load, through the middleware: longer caching fields on 200 and 304 to an
// edge's fetch while the (fake) load signal is not normal, the normal policy as soon as it is again.

import Koa, { type Context } from 'koa';
import request from 'supertest';
import { MemoryFileSource, ssi } from '../../src/index';
import { createApp } from '../../src/server/app';
import type { SsiOptions } from '../../src/server/ssi-middleware';
import { TempSite } from '../support/temp-site';
import { edgeUnderLoadMiddleware } from '../../src/server/edge-under-load';
import type { LoadLevel, LoadSignal } from '../../src/server/load-signal';
import { checkUnderLoad, type ResolvedUnderLoad } from '../../src/server/under-load-fields';

const MTIME = 1_700_000_000_000;
const UNDER_LOAD_CDN = 'max-age=60, stale-while-revalidate=600, stale-if-error=86400';
const UNDER_LOAD_CC = 'public, max-age=0, s-maxage=60, stale-while-revalidate=600, stale-if-error=86400';

/** A load signal whose level the test sets. */
class FakeLoadSignal implements LoadSignal {
  current: LoadLevel = 'normal';
  level(): LoadLevel {
    return this.current;
  }
  shed(): boolean {
    return this.current !== 'normal';
  }
}

/** Our edge, as the offload setting would recognise it: CDN-Loop names it. */
const isEdgeRequest = (ctx: Context) => ctx.get('CDN-Loop') === 'our-edge';

function app(signal: LoadSignal, settings = checkUnderLoad({}) as ResolvedUnderLoad) {
  const source = new MemoryFileSource({
    '/index.shtml': { content: 'home <!--#include virtual="/nav.html" -->', mtimeMs: MTIME },
    '/nav.html': { content: 'nav', mtimeMs: MTIME },
    '/cookie.shtml': { content: '<!--#echo var="HTTP_COOKIE" -->', mtimeMs: MTIME },
    '/assets/app.js': { content: 'x()', mtimeMs: MTIME },
  });
  const cacheRules = [{ path: '/assets/**', maxAge: 31536000, immutable: true }];
  return new Koa()
    .use(edgeUnderLoadMiddleware({ signal, isEdgeRequest, settings }))
    .use(ssi({ source, cacheRules }))
    .callback();
}

/** Our edge's fetch of `path`, then its revalidation with the ETag it got: the 200 and the 304. */
async function fetchAndRevalidate(callback: Parameters<typeof request>[0], path: string) {
  const first = await request(callback).get(path).set('CDN-Loop', 'our-edge').expect(200);
  const revalidated = await request(callback)
    .get(path)
    .set('CDN-Loop', 'our-edge')
    .set('If-None-Match', first.headers.etag)
    .expect(304);
  return { first, revalidated };
}

describe('edge under load', () => {
  it('while overloaded › an edge’s 200 and 304 carry the longer fields (RFC 9110 §15.4.5)', async () => {
    const signal = new FakeLoadSignal();
    signal.current = 'overloaded';
    const { first, revalidated } = await fetchAndRevalidate(app(signal), '/index.shtml');
    expect(first.headers['cache-control']).toBe(UNDER_LOAD_CC);
    expect(first.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
    expect(first.headers['surrogate-control']).toBe(UNDER_LOAD_CDN);
    expect(revalidated.headers['cache-control']).toBe(UNDER_LOAD_CC);
    expect(revalidated.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
    expect(revalidated.headers['surrogate-control']).toBe(UNDER_LOAD_CDN);
    expect(revalidated.headers.etag).toBe(first.headers.etag);
  });

  it('the CLI’s app (which writes warm answers straight to Node’s response) with offload › the longer fields too', async () => {
    // The under-load step runs around ssi() and changes the fields after it answered: such answers go through Koa.
    const signal = new FakeLoadSignal();
    signal.current = 'overloaded';
    const site = new TempSite().write('index.shtml', 'home');
    const served = createApp({
      root: site.root,
      offload: { to: 'https://cdn.example', edges: { cdnLoop: ['our-edge'] } },
      loadSignal: signal,
    });
    try {
      const { first, revalidated } = await fetchAndRevalidate(served.callback(), '/index.shtml');
      expect(first.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
      expect(revalidated.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
      expect(revalidated.headers['cache-control']).toBe(UNDER_LOAD_CC);
    } finally {
      served.ssi.close();
      site.remove();
    }
  });

  it('while critical › the same fields', async () => {
    const signal = new FakeLoadSignal();
    signal.current = 'critical';
    const response = await request(app(signal)).get('/index.shtml').set('CDN-Loop', 'our-edge').expect(200);
    expect(response.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
  });

  it('while normal › an edge gets the normal policy', async () => {
    const response = await request(app(new FakeLoadSignal()))
      .get('/index.shtml')
      .set('CDN-Loop', 'our-edge')
      .expect(200);
    expect(response.headers['cache-control']).toBe('public, max-age=0');
    expect(response.headers['cdn-cache-control']).toBeUndefined();
    expect(response.headers['surrogate-control']).toBeUndefined();
  });

  it('while overloaded › a request not from our edge gets the normal policy', async () => {
    const signal = new FakeLoadSignal();
    signal.current = 'overloaded';
    const response = await request(app(signal))
      .get('/index.shtml')
      .set('CDN-Loop', 'someone-else')
      .expect(200);
    expect(response.headers['cache-control']).toBe('public, max-age=0');
    expect(response.headers['cdn-cache-control']).toBeUndefined();
  });

  it('when load falls › the very next response (a render-cache hit) has the normal policy again', async () => {
    const signal = new FakeLoadSignal();
    signal.current = 'overloaded';
    const callback = app(signal);
    const loaded = await request(callback).get('/index.shtml').set('CDN-Loop', 'our-edge').expect(200);
    expect(loaded.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
    signal.current = 'normal';
    const after = await request(callback).get('/index.shtml').set('CDN-Loop', 'our-edge').expect(200);
    expect(after.headers['cache-control']).toBe('public, max-age=0');
    expect(after.headers['cdn-cache-control']).toBeUndefined();
    expect(after.headers['surrogate-control']).toBeUndefined();
    expect(after.headers.etag).toBe(loaded.headers.etag);
  });

  it('a year-long asset under load › its lifetime is kept, stale-* added', async () => {
    const signal = new FakeLoadSignal();
    signal.current = 'overloaded';
    const response = await request(app(signal)).get('/assets/app.js').set('CDN-Loop', 'our-edge').expect(200);
    expect(response.headers['cdn-cache-control']).toBe(
      'max-age=31536000, immutable, stale-while-revalidate=600, stale-if-error=86400',
    );
  });

  it('a private page (it read Cookie) under load › keeps its own fields', async () => {
    const signal = new FakeLoadSignal();
    signal.current = 'overloaded';
    const response = await request(app(signal))
      .get('/cookie.shtml')
      .set('CDN-Loop', 'our-edge')
      .set('Cookie', 'a=1')
      .expect(200);
    expect(response.headers['cache-control']).toMatch(/^private/);
    expect(response.headers['cdn-cache-control']).toBeUndefined();
    expect(response.headers['surrogate-control']).toBeUndefined();
  });

  it('a missing page under load › its 404 is left alone', async () => {
    const signal = new FakeLoadSignal();
    signal.current = 'overloaded';
    const response = await request(app(signal)).get('/missing.html').set('CDN-Loop', 'our-edge').expect(404);
    expect(response.headers['cdn-cache-control']).toBeUndefined();
  });

  it('fields configured off › only the others are changed', async () => {
    const signal = new FakeLoadSignal();
    signal.current = 'overloaded';
    const settings = checkUnderLoad({ cacheControl: false, surrogateControl: false }) as ResolvedUnderLoad;
    const response = await request(app(signal, settings))
      .get('/index.shtml')
      .set('CDN-Loop', 'our-edge')
      .expect(200);
    expect(response.headers['cache-control']).toBe('public, max-age=0');
    expect(response.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
    expect(response.headers['surrogate-control']).toBeUndefined();
  });

  describe('through ssi()’s offload option', () => {
    function offloadApp(signal: LoadSignal, offload: Partial<NonNullable<SsiOptions['offload']>> = {}) {
      const source = new MemoryFileSource({ '/index.shtml': { content: 'home', mtimeMs: MTIME } });
      const options: SsiOptions = {
        source,
        loadSignal: signal,
        // `always`: the fetch of our edge is never redirected, whatever the rule.
        offload: {
          to: 'https://cdn.example.net/',
          when: 'always',
          edges: { cdnLoop: ['our-edge'] },
          ...offload,
        },
      };
      return new Koa()
        .use(ssi(options))
        .use((ctx) => {
          ctx.set('Cache-Control', 'public, max-age=0');
          ctx.body = 'from the next middleware';
        })
        .callback();
    }

    it('an edge’s fetch (CDN-Loop, RFC 8586) under load › the default under-load fields', async () => {
      const signal = new FakeLoadSignal();
      signal.current = 'overloaded';
      const response = await request(offloadApp(signal))
        .get('/index.shtml')
        .set('CDN-Loop', 'other, our-edge')
        .expect(200);
      expect(response.headers['cache-control']).toBe(UNDER_LOAD_CC);
      expect(response.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
      expect(response.headers['surrogate-control']).toBe(UNDER_LOAD_CDN);
    });

    it('an edge’s fetch named in Via (RFC 9110 §7.6.3) under load › the same', async () => {
      const signal = new FakeLoadSignal();
      signal.current = 'overloaded';
      const response = await request(offloadApp(signal))
        .get('/index.shtml')
        .set('Via', '1.1 our-edge (Varnish/7.1)')
        .expect(200);
      expect(response.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
    });

    it('a client’s request under load › redirected, the 307 keeps its no-store fields', async () => {
      const signal = new FakeLoadSignal();
      signal.current = 'overloaded';
      const response = await request(offloadApp(signal)).get('/index.shtml').expect(307);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['cdn-cache-control']).toBe('no-store');
    });

    it('underLoad configured › its lifetimes; false › the normal policy under load too', async () => {
      const signal = new FakeLoadSignal();
      signal.current = 'overloaded';
      const configured = await request(
        offloadApp(signal, { underLoad: { cdnCacheControl: 'max-age=30', cacheControl: false } }),
      )
        .get('/index.shtml')
        .set('CDN-Loop', 'our-edge')
        .expect(200);
      expect(configured.headers['cache-control']).toBe('public, max-age=0');
      expect(configured.headers['cdn-cache-control']).toBe('max-age=30');
      expect(configured.headers['surrogate-control']).toBe('max-age=30');
      const off = await request(offloadApp(signal, { underLoad: false }))
        .get('/index.shtml')
        .set('CDN-Loop', 'our-edge')
        .expect(200);
      expect(off.headers['cache-control']).toBe('public, max-age=0');
      expect(off.headers['cdn-cache-control']).toBeUndefined();
    });

    it('a response of the middleware after ssi() › left alone', async () => {
      const signal = new FakeLoadSignal();
      signal.current = 'overloaded';
      const response = await request(offloadApp(signal))
        .get('/not-a-file')
        .set('CDN-Loop', 'our-edge')
        .expect(200);
      expect(response.text).toBe('from the next middleware');
      expect(response.headers['cache-control']).toBe('public, max-age=0');
      expect(response.headers['cdn-cache-control']).toBeUndefined();
    });

    it('a wrong underLoad › a TypeError naming the field', () => {
      expect(() =>
        ssi({
          source: new MemoryFileSource({}),
          offload: { to: 'https://cdn.example.net/', underLoad: { cacheControl: 'private' } },
        }),
      ).toThrow("ssi(): option 'offload'.underLoad.cacheControl must be false or lifetimes");
    });
  });

  it('a big file streamed from disk, to an edge under load › 200 and 304 carry the fields too', async () => {
    const site = new TempSite().write('video.bin', Buffer.alloc(4096, 7));
    try {
      const signal = new FakeLoadSignal();
      signal.current = 'overloaded';
      const callback = new Koa()
        .use(
          edgeUnderLoadMiddleware({
            signal,
            isEdgeRequest,
            settings: checkUnderLoad({}) as ResolvedUnderLoad,
          }),
        )
        .use(ssi({ root: site.root, streamThreshold: 1024, watchFiles: false }))
        .callback();
      const { first, revalidated } = await fetchAndRevalidate(callback, '/video.bin');
      expect(first.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
      expect(revalidated.headers['cdn-cache-control']).toBe(UNDER_LOAD_CDN);
      expect(revalidated.headers['cache-control']).toBe(UNDER_LOAD_CC);
    } finally {
      site.remove();
    }
  });
});
