// Answers written straight to Node's response (`respondDirectly`, what `serve` uses) against the same answers
// through Koa's response: the same status, fields in the same order, the same bytes, request after request; and
// which answers are written directly at all (a range, a 412 or a request choosing its digests never is).

import type { Server } from 'node:http';
import Koa, { type Context } from 'koa';
import type { LoadLevel } from '../../src/server/load-signal';
import { ssi, type SsiMiddleware, type SsiOptions } from '../../src/server/ssi-middleware';
import { closeServer, listenOnFreePort } from '../support/listening-server';
import { rawRequest, type RawResponse } from '../support/raw-request';
import { TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

let site: TempSite;
const middlewares: SsiMiddleware[] = [];
const servers: Server[] = [];

/**
 * A server of `ssi(options)` behind an app step that sets a field first (and runs `before`); `respondedByKoa` says
 * how each request went.
 */
async function serverOf(
  options: SsiOptions,
  before: (ctx: Context) => void = () => undefined,
): Promise<{ server: Server; respondedByKoa: boolean[] }> {
  const middleware = ssi(options);
  middlewares.push(middleware);
  const respondedByKoa: boolean[] = [];
  const app = new Koa()
    .use(async (ctx, next) => {
      ctx.set('X-Set-Before', 'kept');
      before(ctx);
      await next();
      respondedByKoa.push(ctx.respond !== false);
    })
    .use(middleware);
  const server = await listenOnFreePort(app.callback());
  servers.push(server);
  return { server, respondedByKoa };
}

/** The response with Date's value left out: the two servers may answer in different seconds. */
function comparable(response: RawResponse) {
  const fields = response.rawHeaders.map((value, index) =>
    index % 2 === 1 && /^date$/i.test(response.rawHeaders[index - 1]) ? '(date)' : value,
  );
  return { status: response.status, fields, body: response.body.toString('latin1') };
}

beforeAll(async () => {
  site = new TempSite()
    .write('page.shtml', '<html><!--#include virtual="/inc/nav.html" --><p>é</p></html>\n')
    .write('inc/nav.html', '<nav>home</nav>')
    .write('style.css', `body { color: red; }\n${'p { margin: 0; }\n'.repeat(200)}`)
    .write('data.unknownextension', 'raw bytes');
  // A file changed within the last timestamp tick (2 s) is never cached (its stamp is racy): wait, so the second
  // request of a page is a render-cache hit.
  await new Promise((resolve) => setTimeout(resolve, 2_100));
});

afterAll(async () => {
  for (const middleware of middlewares.splice(0)) middleware.close();
  for (const server of servers.splice(0)) await closeServer(server);
  site.remove();
});

describe('respondDirectly: true against the Koa path', () => {
  it('every answer of a sequence › the same status, fields (order included) and bytes; 200 and 304 written directly', async () => {
    const options = { root: site.root, compression: true };
    const direct = await serverOf({ ...options, respondDirectly: true });
    const koa = await serverOf(options);
    const first = await rawRequest(direct.server, '/page.shtml');
    const etag = String(first.headers.etag);
    const lastModified = String(first.headers['last-modified']);
    const requests: Array<{
      target: string;
      headers?: Record<string, string>;
      method?: string;
      direct: boolean;
    }> = [
      { target: '/page.shtml', direct: true },
      { target: '/page.shtml', direct: true },
      { target: '/page.shtml', method: 'HEAD', direct: true },
      { target: '/page.shtml', headers: { 'If-None-Match': etag }, direct: true },
      { target: '/page.shtml', headers: { 'If-Modified-Since': lastModified }, direct: true },
      { target: '/page.shtml', headers: { 'If-None-Match': '"other"' }, direct: true },
      { target: '/style.css', headers: { 'Accept-Encoding': 'gzip' }, direct: true },
      { target: '/style.css', headers: { 'Accept-Encoding': 'br' }, method: 'HEAD', direct: true },
      { target: '/page.shtml', headers: { Range: 'bytes=0-5' }, direct: false },
      { target: '/page.shtml', headers: { 'If-Match': '"other"' }, direct: false },
      { target: '/page.shtml', headers: { 'Want-Repr-Digest': 'sha-512=9' }, direct: false },
      { target: '/page.shtml', headers: { 'Want-Content-Digest': 'sha-256=9' }, direct: false },
      { target: '/data.unknownextension', direct: false },
    ];
    // The first request above was the direct server's miss; the Koa server gets its own.
    await rawRequest(koa.server, '/page.shtml');
    for (const { target, headers, method } of requests) {
      const [fromDirect, fromKoa] = [
        await rawRequest(direct.server, target, headers, method),
        await rawRequest(koa.server, target, headers, method),
      ];
      expect({ target, headers, method, ...comparable(fromDirect) }).toEqual({
        target,
        headers,
        method,
        ...comparable(fromKoa),
      });
      expect(fromDirect.headers['x-set-before']).toBe('kept');
    }
    // The first request, the page's miss, is written directly too.
    expect(direct.respondedByKoa).toEqual([false, ...requests.map((request) => !request.direct)]);
    expect(koa.respondedByKoa.every((byKoa) => byKoa)).toBe(true);
  });

  it('a miss written directly › the same answer as through Koa', async () => {
    const direct = await serverOf({ root: site.root, respondDirectly: true, cache: false });
    const koa = await serverOf({ root: site.root, cache: false });
    const fromDirect = await rawRequest(direct.server, '/page.shtml');
    expect(comparable(fromDirect)).toEqual(comparable(await rawRequest(koa.server, '/page.shtml')));
    expect(direct.respondedByKoa).toEqual([false]);
  });

  it('a client gone before the answer › Koa’s path, which sends nothing', async () => {
    const direct = await serverOf({ root: site.root, respondDirectly: true }, (ctx) =>
      ctx.req.socket.destroy(),
    );
    await expect(rawRequest(direct.server, '/page.shtml')).rejects.toThrow();
    await waitFor(() => direct.respondedByKoa.length === 1, 'the request to end');
    expect(direct.respondedByKoa).toEqual([true]);
  });

  it('with offload’s under-load fields › only our edge’s fetch while loaded goes through Koa, with them', async () => {
    let level: LoadLevel = 'overloaded';
    const signal = { level: () => level, shed: () => level !== 'normal' };
    const direct = await serverOf({
      root: site.root,
      respondDirectly: true,
      // Nothing under /offloaded/ here: visitors are served, not redirected.
      offload: { to: 'https://cdn.example', paths: ['/offloaded/'], edges: { cdnLoop: ['our-edge'] } },
      loadSignal: signal,
    });
    const edge = { 'CDN-Loop': 'our-edge' };
    const loaded = await rawRequest(direct.server, '/page.shtml', edge);
    expect(loaded.headers['cdn-cache-control']).toMatch(/^max-age=60/);
    const visitor = await rawRequest(direct.server, '/page.shtml');
    expect(visitor.headers['cdn-cache-control']).toBeUndefined();
    level = 'normal';
    const normal = await rawRequest(direct.server, '/page.shtml', edge);
    expect(normal.headers['cdn-cache-control']).toBeUndefined();
    expect(direct.respondedByKoa).toEqual([true, false, false]);
  });

  it('with a setHeaders hook › every answer goes through Koa, the hook’s field sent', async () => {
    const direct = await serverOf({
      root: site.root,
      respondDirectly: true,
      setHeaders: (ctx) => ctx.set('X-Hook', 'ran'),
    });
    const response = await rawRequest(direct.server, '/page.shtml');
    expect(response.headers['x-hook']).toBe('ran');
    expect(direct.respondedByKoa).toEqual([true]);
  });
});
