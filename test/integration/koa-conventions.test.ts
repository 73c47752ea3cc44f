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
