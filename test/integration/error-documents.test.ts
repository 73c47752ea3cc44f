// Error documents (README "Error documents"): Apache's ErrorDocument with the SSI engine, through the CLI's app
// and inside someone's Koa app.

import Koa from 'koa';
import request from 'supertest';
import { readConfigFile } from '../../src/cli/config-file';
import { UsageError } from '../../src/cli/usage';
import { type Diagnostic } from '../../src/engine/diagnostics';
import { createApp, type AppOptions } from '../../src/server/app';
import { ssi, type SsiMiddleware } from '../../src/server/ssi-middleware';
import { startCli } from '../support/running-cli';
import { TempSite } from '../support/temp-site';

const ECHO_PAGE = [
  'status=<!--#echo var="REDIRECT_STATUS" -->',
  'url=<!--#echo var="REDIRECT_URL" -->',
  'query=<!--#echo var="REDIRECT_QUERY_STRING" -->',
  'method=<!--#echo var="REDIRECT_REQUEST_METHOD" -->',
  'own=<!--#echo var="REQUEST_METHOD" --> <!--#echo var="DOCUMENT_URI" --> [<!--#echo var="QUERY_STRING" -->]',
  'uri=<!--#echo var="REQUEST_URI" -->',
  '',
].join('\n');

let site: TempSite;
const middlewares: SsiMiddleware[] = [];

function app(options: Omit<AppOptions, 'root'>): ReturnType<typeof request> {
  const created = createApp({ root: site.root, ...options });
  middlewares.push(created.ssi);
  return request(created.callback());
}

beforeEach(() => {
  site = new TempSite()
    .write('errors/404.shtml', ECHO_PAGE)
    .write('errors/403.html', 'forbidden here\n')
    .write('page.shtml', 'a page');
});

afterEach(() => {
  for (const middleware of middlewares.splice(0)) middleware.close();
  site.remove();
});

describe('a 404 error document', () => {
  it('a missing page › 404 with the rendered document and the REDIRECT_* variables', async () => {
    const response = await app({ errorDocuments: { 404: '/errors/404.shtml' } })
      .get('/no/such%20page.shtml?x=1&y=%20')
      .expect(404);
    expect(response.headers['content-type']).toBe('text/html');
    expect(response.text).toBe(
      [
        'status=404',
        'url=/no/such page.shtml',
        'query=x=1&amp;y=%20',
        'method=GET',
        'own=GET /errors/404.shtml []',
        'uri=/no/such%20page.shtml?x=1&amp;y=%20',
        '',
      ].join('\n'),
    );
  });

  it('without a query › REDIRECT_QUERY_STRING unset', async () => {
    const response = await app({ errorDocuments: { 404: '/errors/404.shtml' } })
      .get('/gone')
      .expect(404);
    expect(response.text).toContain('query=(none)\n');
  });

  it('never cached, never validated › Cache-Control: no-store, no ETag, no Last-Modified', async () => {
    const response = await app({ errorDocuments: { 404: '/errors/404.shtml' } })
      .get('/gone')
      .set('If-None-Match', '*')
      .expect(404);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.etag).toBeUndefined();
    expect(response.headers['last-modified']).toBeUndefined();
  });

  it('a cache rule naming the document’s path › its Cache-Control', async () => {
    const response = await app({
      errorDocuments: { 404: '/errors/404.shtml' },
      cacheRules: [{ path: '/errors/**', maxAge: 60 }, { maxAge: 3600 }],
    })
      .get('/gone')
      .expect(404);
    expect(response.headers['cache-control']).toBe('public, max-age=60');
  });

  it('a catch-all cache rule › not applied to errors (no-store)', async () => {
    const response = await app({
      errorDocuments: { 404: '/errors/404.shtml' },
      cacheRules: [{ maxAge: 3600 }],
    })
      .get('/gone')
      .expect(404);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('POST to a missing page in the CLI server › the original method in REDIRECT_REQUEST_METHOD', async () => {
    const response = await app({ errorDocuments: { 404: '/errors/404.shtml' } })
      .post('/gone')
      .expect(404);
    expect(response.text).toContain('method=POST\n');
    expect(response.text).toContain('own=GET ');
  });

  it('the pages themselves › still served with validators', async () => {
    const response = await app({ errorDocuments: { 404: '/errors/404.shtml' } })
      .get('/page.shtml')
      .expect(200, 'a page');
    expect(response.headers.etag).toBeDefined();
  });
});

describe('other statuses', () => {
  it('403 with a static document › sent as it is, status kept', async () => {
    const response = await app({ errorDocuments: { 403: '/errors/403.html' } })
      .get('/%2e%2e/secret.txt')
      .expect(403, 'forbidden here\n');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('405 in the CLI server › the document, Allow kept', async () => {
    const response = await app({ errorDocuments: { 405: '/errors/404.shtml' } })
      .post('/page.shtml')
      .expect(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    expect(response.text).toContain('status=405\n');
  });

  it('a status without a document › the plain answer', async () => {
    await app({ errorDocuments: { 403: '/errors/403.html' } })
      .get('/gone')
      .expect(404, '404 Not Found\n');
  });
});

describe('a document that cannot be sent', () => {
  it('missing itself › the plain 404, one diagnostic, no loop', async () => {
    const diagnostics: Diagnostic[] = [];
    const response = await app({
      errorDocuments: { 404: '/errors/missing.shtml' },
      onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
    })
      .get('/gone')
      .expect(404);
    expect(response.text).toBe('404 Not Found\n');
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['error-document-unavailable']);
  });

  it('a document including a missing file › still sent, with the SSI error text', async () => {
    site.write('errors/404.shtml', 'x<!--#include virtual="/nope.html" -->y');
    const response = await app({ errorDocuments: { 404: '/errors/404.shtml' } })
      .get('/gone')
      .expect(404);
    expect(response.text).toBe('x[an error occurred while processing this directive]y');
  });

  it.each([[{ 200: '/ok.html' }], [{ 404: 'relative.html' }], [{ 404: '/a?b' }], [['/x']]])(
    'a bad option %j › TypeError when the middleware is created',
    (errorDocuments) => {
      expect(() => ssi({ root: site.root, errorDocuments: errorDocuments as never })).toThrow(TypeError);
    },
  );
});

describe('in a Koa app', () => {
  it('a missing page nothing after the middleware answers › the 404 document', async () => {
    const middleware = ssi({ root: site.root, errorDocuments: { 404: '/errors/404.shtml' } });
    middlewares.push(middleware);
    const response = await request(new Koa().use(middleware).callback()).get('/gone').expect(404);
    expect(response.text).toContain('status=404\n');
  });

  it('fields an earlier middleware set › kept on the error document', async () => {
    const middleware = ssi({ root: site.root, errorDocuments: { 404: '/errors/404.shtml' } });
    middlewares.push(middleware);
    const koa = new Koa()
      .use(async (ctx, next) => {
        ctx.set('X-Frame-Options', 'DENY');
        await next();
      })
      .use(middleware);
    const response = await request(koa.callback()).get('/gone').expect(404);
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('a missing page a later middleware answers › its answer, untouched', async () => {
    const middleware = ssi({ root: site.root, errorDocuments: { 404: '/errors/404.shtml' } });
    middlewares.push(middleware);
    const koa = new Koa().use(middleware).use((ctx) => {
      ctx.body = 'from the app';
    });
    await request(koa.callback()).get('/gone').expect(200, 'from the app');
  });
});

describe('cdn-include serve --config with errorDocuments', () => {
  let configs: TempSite;
  beforeEach(() => {
    configs = new TempSite();
  });
  afterEach(() => configs.remove());

  it('a missing page › 404 with the rendered document, a diagnostic-free log', async () => {
    configs.write('config.json', JSON.stringify({ errorDocuments: { 404: '/errors/404.shtml' } }));
    const { url, stop, exitCode } = await startCli(
      ['serve', site.root, '--port', '0', '--config', configs.path('config.json')],
      'http://',
    );
    const response = await request(url).get('/gone?a=b').expect(404);
    expect(response.text).toContain('status=404\nurl=/gone\nquery=a=b\n');
    expect(response.headers['cache-control']).toBe('no-store');
    stop('SIGINT');
    expect(await exitCode).toBe(0);
  });

  it.each([['{"errorDocuments": {"404": "errors/404.shtml"}}'], ['{"errorDocuments": {"302": "/x.html"}}']])(
    'a bad errorDocuments %s › UsageError naming the key',
    (text) => {
      configs.write('config.json', text);
      expect(() => readConfigFile(configs.path('config.json'))).toThrow(UsageError);
      expect(() => readConfigFile(configs.path('config.json'))).toThrow(/'errorDocuments' must be/);
    },
  );
});
