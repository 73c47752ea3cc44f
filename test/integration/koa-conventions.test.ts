// The middleware inside someone's Koa app: the conventions koa-static users rely on (README "In your Koa app").

import Koa from 'koa';
import mount from 'koa-mount';
import request from 'supertest';
import { createApp } from '../../src/server/app';
import { ssi, type SsiMiddleware } from '../../src/server/ssi-middleware';
import { TempSite } from '../support/temp-site';

let site: TempSite;
const middlewares: SsiMiddleware[] = [];

function served(options: Parameters<typeof ssi>[0]): SsiMiddleware {
  const middleware = ssi(options);
  middlewares.push(middleware);
  return middleware;
}

beforeEach(() => {
  site = new TempSite().write('form.shtml', 'the form').write('news/index.shtml', 'news');
});

afterEach(() => {
  for (const middleware of middlewares.splice(0)) middleware.close();
  site.remove();
});

describe('methods other than GET and HEAD', () => {
  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])(
    'in a Koa app, %s on an existing page › passed to the next middleware',
    async (method) => {
      const app = new Koa().use(served({ root: site.root })).use((ctx) => {
        ctx.body = `handled ${ctx.method}`;
      });
      const response = await request(app.callback())[
        method.toLowerCase() as 'post' | 'put' | 'delete' | 'options'
      ]('/form.shtml');
      expect(response.status).toBe(200);
      expect(response.text).toBe(`handled ${method}`);
    },
  );

  it('in a Koa app, GET on the same page › still served by the middleware', async () => {
    const app = new Koa().use(served({ root: site.root })).use((ctx) => {
      ctx.body = 'not here';
    });
    await request(app.callback()).get('/form.shtml').expect(200, 'the form');
  });

  it('the CLI server (createApp), POST on an existing page › 405 with Allow: GET, HEAD', async () => {
    const app = createApp({ root: site.root });
    middlewares.push(app.ssi);
    const response = await request(app.callback()).post('/form.shtml').expect(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('the CLI server (createApp), POST on a missing page › 404, as Apache answers', async () => {
    const app = createApp({ root: site.root });
    middlewares.push(app.ssi);
    await request(app.callback()).post('/missing.shtml').expect(404);
  });
});

describe('under koa-mount', () => {
  it("a folder without its '/' › redirected inside the mount prefix", async () => {
    const app = new Koa().use(mount('/m', served({ root: site.root })));
    const response = await request(app.callback()).get('/m/news').expect(301);
    expect(response.headers.location).toBe('/m/news/');
  });

  it("a folder without its '/', with a query › the query kept after the prefixed path", async () => {
    const app = new Koa().use(mount('/m', served({ root: site.root })));
    const response = await request(app.callback()).get('/m/news?a=1').expect(301);
    expect(response.headers.location).toBe('/m/news/?a=1');
  });

  it('the redirect target › served through the mount', async () => {
    const app = new Koa().use(mount('/m', served({ root: site.root })));
    await request(app.callback()).get('/m/news/').expect(200, 'news');
  });

  it("without a mount › the Location is the folder's own path", async () => {
    const app = new Koa().use(served({ root: site.root }));
    const response = await request(app.callback()).get('/news').expect(301);
    expect(response.headers.location).toBe('/news/');
  });
});

describe('setHeaders(ctx, path, info)', () => {
  it('a page › called with the docroot file and what was sent; its fields go out', async () => {
    const calls: unknown[] = [];
    const app = new Koa().use(
      served({
        root: site.root,
        setHeaders: (ctx, path, info) => {
          calls.push({ path, ...info });
          ctx.set('X-Frame-Options', 'DENY');
          ctx.set('Cache-Control', 'public, max-age=60');
        },
      }),
    );
    const response = await request(app.callback()).get('/news/').expect(200, 'news');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    expect(calls).toEqual([
      {
        path: '/news/index.shtml',
        kind: 'page',
        status: 200,
        length: 4,
        contentType: 'text/html',
        etag: response.headers.etag,
        lastModified: response.headers['last-modified'],
      },
    ]);
  });

  it('a cache hit and a 304 › called each time, the 304 carrying the same added fields', async () => {
    const statuses: number[] = [];
    const app = new Koa().use(
      served({
        root: site.root,
        setHeaders: (ctx, _path, info) => {
          statuses.push(info.status);
          ctx.set('Cache-Control', 'public, max-age=60');
        },
      }),
    );
    const server = request(app.callback());
    const first = await server.get('/form.shtml').expect(200);
    await server.get('/form.shtml').expect(200);
    const revalidated = await server.get('/form.shtml').set('If-None-Match', first.headers.etag).expect(304);
    expect(revalidated.headers['cache-control']).toBe('public, max-age=60');
    expect(statuses).toEqual([200, 200, 304]);
  });

  it('a static file streamed from disk › called with kind static', async () => {
    site.write('big.bin', Buffer.alloc(2048, 7));
    const kinds: string[] = [];
    const app = new Koa().use(
      served({
        root: site.root,
        streamThreshold: 1024,
        setHeaders: (_ctx, path, info) => kinds.push(`${path} ${info.kind} ${info.length}`),
      }),
    );
    await request(app.callback()).get('/big.bin').expect(200);
    expect(kinds).toEqual(['/big.bin static 2048']);
  });

  it.each(['ETag', 'Last-Modified', 'Vary'])(
    'a hook that changes %s › a fault (500), never a lying validator',
    async (name) => {
      const app = new Koa().use(
        served({ root: site.root, setHeaders: (ctx) => void ctx.set(name, '"other"') }),
      );
      app.silent = true;
      const response = await request(app.callback()).get('/form.shtml');
      expect(response.status).toBe(500);
      expect(response.headers.etag).toBeUndefined();
    },
  );

  it('a setHeaders that is not a function › TypeError when the middleware is created', () => {
    expect(() => ssi({ root: site.root, setHeaders: 'x' as never })).toThrow(TypeError);
  });
});

describe("koa-send's option names", () => {
  it("index: 'start.html' › the folder's index, as directoryIndex: ['start.html']", async () => {
    site.write('docs/start.html', 'start').write('docs/index.shtml', 'index');
    const app = new Koa().use(served({ root: site.root, index: 'start.html' }));
    await request(app.callback()).get('/docs/').expect(200, 'start');
  });

  it('index: false › no index file; the folder is left to the next middleware', async () => {
    const app = new Koa().use(served({ root: site.root, index: false }));
    await request(app.callback()).get('/news/').expect(404);
  });

  it.each([[{ index: 'a.html', directoryIndex: ['b.html'] }], [{ index: '../x' }], [{ index: 3 }]])(
    '%j › TypeError when the middleware is created',
    (extra) => {
      expect(() => ssi({ root: site.root, ...(extra as object) })).toThrow(TypeError);
    },
  );
});
