// Offloading through the app (README "Under load"), with a fake load signal: the 307 and its fields exactly, HEAD,
// never a POST, a 304 answered here while shedding, the four loop guards, the referrer rule, and the decision and
// reason in every access-log line (and in none when offload is not configured).

import { once } from 'node:events';
import { createServer } from 'node:http';
import request from 'supertest';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { createApp, type AppOptions } from '../../src/server/app';
import type { LoadLevel, LoadSignal } from '../../src/server/load-signal';
import { at, TempSite } from '../support/temp-site';

const HUGE = Buffer.alloc(40_000, 2);

const site = new TempSite()
  .write('news/index.shtml', 'News <!--#echo var="QUERY_STRING" -->', at(1))
  .write('news/a.txt', 'a text', at(2))
  .write('big/huge.bin', HUGE, at(3))
  .write('private/p.txt', 'kept here', at(4));
afterAll(() => site.remove());

/** A load signal set by the test: `shed()` answers as told and counts its calls. */
class FakeSignal implements LoadSignal {
  sheds = 0;
  constructor(
    public current: LoadLevel = 'normal',
    public shedding = false,
  ) {}
  level(): LoadLevel {
    return this.current;
  }
  shed(): boolean {
    this.sheds++;
    return this.shedding;
  }
}

const OFFLOAD = {
  to: 'https://cdn.example.net/base/',
  paths: ['/news/', '/big/'],
  edges: { cdnLoop: ['our-edge'], addresses: ['10.0.0.0/8'] },
  ownHosts: ['mirror.example'],
};

function appWith(options: Partial<AppOptions> = {}, signal = new FakeSignal('overloaded', true)) {
  const lines: string[] = [];
  const app = createApp({
    root: site.root,
    streamThreshold: 20_000,
    trustProxy: ['127.0.0.1'],
    offload: OFFLOAD,
    loadSignal: signal,
    accessLog: (line) => lines.push(line),
    ...options,
  });
  return { server: app.callback(), signal, lines, ssi: app.ssi };
}

/** The access-log lines once `count` responses have ended (a line is written on the response's close). */
async function logged(lines: string[], count: number): Promise<string[]> {
  while (lines.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  return lines;
}

describe('a GET under the paths while the signal sheds', () => {
  it('› 307 to the base plus path and query unchanged, stored by no cache, no validators, tags or Retry-After', async () => {
    const { server, lines } = appWith();
    const res = await request(server).get('/news/?a=1&b=%20x').set('Host', 'www.site.example');
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('https://cdn.example.net/base/news/?a=1&b=%20x');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['cdn-cache-control']).toBe('no-store');
    expect(res.headers['surrogate-control']).toBe('no-store');
    for (const name of ['etag', 'last-modified', 'cache-tag', 'surrogate-key', 'retry-after', 'vary', 'link'])
      expect(res.headers[name]).toBeUndefined();
    expect(res.text).toBe('307 Temporary Redirect: https://cdn.example.net/base/news/?a=1&b=%20x\n');
    expect((await logged(lines, 1))[0]).toMatch(
      /"GET \/news\/\?a=1&b=%20x HTTP\/1\.1" 307 .* offload=307 reason=overloaded$/,
    );
  });

  it('a page not built yet › redirected without rendering it (the render is what a redirect saves)', async () => {
    const built: string[] = [];
    const { server, signal, lines } = appWith({ onPageBuilt: (page) => built.push(page.url) });
    expect((await request(server).get('/news/')).status).toBe(307);
    expect(built).toEqual([]);
    signal.shedding = false;
    expect((await request(server).get('/news/')).status).toBe(200);
    expect(built).toEqual(['/news/']);
    const [redirected] = await logged(lines, 2);
    expect(redirected).toMatch(/ render_ms=- cache=- end=complete offload=307 reason=overloaded$/);
  });

  it('a Host of the request › never in Location, nor an absolute-form target’s', async () => {
    const { server } = appWith();
    const res = await request(server).get('/news/a.txt').set('Host', 'evil.example');
    expect(res.headers.location).toBe('https://cdn.example.net/base/news/a.txt');
  });

  it('HEAD › the same 307 and fields, no body', async () => {
    const { server } = appWith();
    const get = await request(server).get('/news/a.txt');
    const head = await request(server).head('/news/a.txt');
    expect(head.status).toBe(307);
    for (const name of ['location', 'cache-control', 'cdn-cache-control', 'surrogate-control'])
      expect(head.headers[name]).toBe(get.headers[name]);
    expect(head.text).toBeUndefined();
  });

  it('POST › never redirected (405 here), logged reason=method, the signal not asked', async () => {
    const { server, lines, signal } = appWith();
    const res = await request(server).post('/news/a.txt').send('x');
    expect(res.status).toBe(405);
    expect(signal.sheds).toBe(0);
    expect((await logged(lines, 1))[0]).toMatch(/ 405 .* offload=- reason=method$/);
  });

  it('a streamed file › redirected before a byte is read', async () => {
    const { server } = appWith();
    const res = await request(server).get('/big/huge.bin');
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('https://cdn.example.net/base/big/huge.bin');
  });

  it('outside the paths, or no such file › served here (reason path, no-file)', async () => {
    const { server, lines } = appWith();
    expect((await request(server).get('/private/p.txt')).status).toBe(200);
    expect((await request(server).get('/news/missing.txt')).status).toBe(404);
    const [outside, missing] = await logged(lines, 2);
    expect(outside).toMatch(/ 200 .* offload=- reason=path$/);
    expect(missing).toMatch(/ 404 .* offload=- reason=no-file$/);
  });
});

describe('a conditional request while shedding', () => {
  it('answerable with 304 › answered here; a stale one › still offloaded', async () => {
    const { server, lines, signal } = appWith();
    signal.shedding = false;
    const first = await request(server).get('/news/a.txt');
    expect(first.status).toBe(200);
    signal.shedding = true;
    const fresh = await request(server).get('/news/a.txt').set('If-None-Match', first.headers.etag);
    expect(fresh.status).toBe(304);
    expect(fresh.headers.location).toBeUndefined();
    const stale = await request(server).get('/news/a.txt').set('If-None-Match', '"other"');
    expect(stale.status).toBe(307);
    const [, notModified, offloaded] = await logged(lines, 3);
    expect(notModified).toMatch(/ 304 .* offload=- reason=not-modified$/);
    expect(offloaded).toMatch(/ 307 .* offload=307 reason=overloaded$/);
  });

  it('a streamed file › its 304 answered here, a stale one offloaded', async () => {
    const { server, signal } = appWith();
    signal.shedding = false;
    const first = await request(server).get('/big/huge.bin');
    signal.shedding = true;
    const again = await request(server).get('/big/huge.bin').set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    const stale = await request(server).get('/big/huge.bin').set('If-None-Match', '"other"');
    expect(stale.status).toBe(307);
  });
});

describe('the rule', () => {
  it('overloaded, the signal not shedding › served here, reason normal', async () => {
    const { server, lines } = appWith({}, new FakeSignal('normal', false));
    expect((await request(server).get('/news/a.txt')).status).toBe(200);
    expect((await logged(lines, 1))[0]).toMatch(/ 200 .* offload=- reason=normal$/);
  });

  it('overloaded without a load signal › never redirected', async () => {
    const { server } = appWith({ loadSignal: undefined });
    expect((await request(server).get('/news/a.txt')).status).toBe(200);
  });

  it('always › redirected whatever the load, the signal not asked', async () => {
    const signal = new FakeSignal('normal', false);
    const { server, lines } = appWith({ offload: { ...OFFLOAD, when: 'always' } }, signal);
    expect((await request(server).get('/news/a.txt')).status).toBe(307);
    expect(signal.sheds).toBe(0);
    expect((await logged(lines, 1))[0]).toMatch(/ offload=307 reason=always$/);
  });

  it('referrerOrigins › visitors from a listed origin only', async () => {
    const { server, lines } = appWith({
      offload: { ...OFFLOAD, when: { referrerOrigins: ['https://news.example'] } },
    });
    const referred = await request(server)
      .get('/news/a.txt')
      .set('Referer', 'https://NEWS.example:443/story?id=1');
    expect(referred.status).toBe(307);
    const other = await request(server).get('/news/a.txt').set('Referer', 'https://elsewhere.example/');
    expect(other.status).toBe(200);
    const none = await request(server).get('/news/a.txt');
    expect(none.status).toBe(200);
    const [first, second] = await logged(lines, 3);
    expect(first).toMatch(/ offload=307 reason=referrer$/);
    expect(second).toMatch(/ offload=- reason=normal$/);
  });
});

describe('the loop guards, while the signal sheds everything', () => {
  it.each([
    ['CDN-Loop naming our edge', { 'CDN-Loop': 'other-cdn, Our-Edge; v=1' }, 'loop-guard'],
    ['Via naming our edge', { Via: '1.1 our-edge (Varnish/7.5)' }, 'loop-guard'],
    ['an edge address (through the trusted proxy)', { 'X-Forwarded-For': '10.9.8.7' }, 'edge-address'],
    ['Host of the offload target', { Host: 'cdn.example.net' }, 'own-host'],
    ['Host of a mirror', { Host: 'Mirror.Example:8080' }, 'own-host'],
  ])('%s › served here, logged reason %s', async (_name, headers, reason) => {
    const { server, lines } = appWith({}, new FakeSignal('overloaded', true));
    const res = await request(server).get('/news/a.txt').set(headers);
    expect(res.status).toBe(200);
    expect(res.text).toBe('a text');
    expect((await logged(lines, 1))[0]).toMatch(new RegExp(` 200 .* offload=- reason=${reason}$`));
  });

  it('a hostile CDN-Loop (thousands of members, quoted commas, open comments) › read in one pass, ours found', async () => {
    const { server, lines } = appWith();
    // Within Node's 16 KiB of header: thousands of members, each with a quoted comma, ours before an open comment.
    const hostile = `${'x; p="a, b", '.repeat(600)}our-edge, (((, other`;
    const res = await request(server)
      .get('/news/a.txt')
      .set('CDN-Loop', hostile)
      .set('Via', '1.1 a ('.repeat(600));
    expect(res.status).toBe(200);
    expect((await logged(lines, 1))[0]).toMatch(/ offload=- reason=loop-guard$/);
  });

  it('Host of an asset host (assetHosts) › served here, reason own-host', async () => {
    const { server, lines } = appWith({
      assetHosts: { hosts: ['https://a1.example'], paths: ['/news/'], epoch: '2026-12-01T00:00:00Z' },
    });
    const res = await request(server).get('/news/a.txt').set('Host', 'a1.example');
    expect(res.status).toBe(200);
    expect((await logged(lines, 1))[0]).toMatch(/ 200 .* offload=- reason=own-host$/);
    expect((await request(server).get('/news/a.txt').set('Host', 'www.site.example')).status).toBe(307);
  });

  it('an edge under critical load › 503 with Retry-After, never a redirect; its 304 still answered', async () => {
    const { server, lines, signal } = appWith({}, new FakeSignal('normal', false));
    const first = await request(server).get('/news/a.txt').set('CDN-Loop', 'our-edge');
    signal.current = 'critical';
    signal.shedding = true;
    const refused = await request(server).get('/news/a.txt').set('CDN-Loop', 'our-edge');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.headers.location).toBeUndefined();
    const revalidated = await request(server)
      .get('/news/a.txt')
      .set('CDN-Loop', 'our-edge')
      .set('If-None-Match', first.headers.etag);
    expect(revalidated.status).toBe(304);
    expect((await logged(lines, 3))[1]).toMatch(/ 503 .* offload=503 reason=loop-guard$/);
  });

  it('critical load › a bounced client and a request to our own host are still served here', async () => {
    const { server } = appWith({}, new FakeSignal('critical', true));
    expect((await request(server).get('/news/a.txt?cdn-include-local')).status).toBe(200);
    expect((await request(server).get('/news/a.txt').set('Host', 'mirror.example')).status).toBe(200);
    expect((await request(server).get('/news/a.txt')).status).toBe(307);
  });

  it('the bounce-back marker › served here as the unmarked URL (one cache entry), logged as received', async () => {
    // In memory: a file written within the last timestamp tick is never kept (its stamp is racy).
    const source = new MemoryFileSource({ '/news/a.txt': { content: 'a text', mtimeMs: at(2) * 1000 } });
    const { server, lines } = appWith({ root: undefined, source });
    // One listening server: the render cache's key names the local port, which supertest changes per request.
    const listening = createServer(server).listen(0, '127.0.0.1');
    try {
      await once(listening, 'listening');
      for (const target of [
        '/news/a.txt?cdn-include-local=1',
        '/news/a.txt?cdn-include-local',
        '/news/a.txt?cdn-include-local=2',
      ]) {
        const bounced = await request(listening).get(target);
        expect(bounced.status).toBe(200);
        expect(bounced.text).toBe('a text');
      }
    } finally {
      listening.close();
    }
    const [first, , third] = await logged(lines, 3);
    expect(first).toMatch(
      /"GET \/news\/a\.txt\?cdn-include-local=1 HTTP\/1\.1" 200 .* offload=- reason=bounce$/,
    );
    // Each marked request is the unmarked URL's: once kept, it is a render-cache hit whatever its marker.
    expect(third).toMatch(
      /"GET \/news\/a\.txt\?cdn-include-local=2 HTTP\/1\.1" 200 .* cache=hit .* reason=bounce$/,
    );
  });

  it('the bounce-back marker › a page sees the query without it', async () => {
    const { server } = appWith();
    const bounced = await request(server).get('/news/?x=1&cdn-include-local=1&y=2');
    expect(bounced.status).toBe(200);
    expect(bounced.text).toBe('News x=1&amp;y=2');
  });

  it('a configured bounceParam › that name is the marker', async () => {
    const { server } = appWith({ offload: { ...OFFLOAD, bounceParam: 'home' } });
    expect((await request(server).get('/news/a.txt?home')).status).toBe(200);
    expect((await request(server).get('/news/a.txt?cdn-include-local')).status).toBe(307);
  });

  it('Host repeating the CDN suffix › 400, whatever the method', async () => {
    const { server, lines } = appWith();
    const host = 'www.site.example.cdn.example.net.cdn.example.net';
    const get = await request(server).get('/news/a.txt').set('Host', host);
    expect(get.status).toBe(400);
    expect(get.headers['cache-control']).toBe('no-store');
    expect((await request(server).post('/news/a.txt').set('Host', host)).status).toBe(400);
    expect((await logged(lines, 2))[0]).toMatch(/ 400 .* offload=400 reason=amplification$/);
  });
});

describe('the access log', () => {
  it('JSON › offload and offloadReason fields', async () => {
    const { server, lines } = appWith({ logFormat: 'json' });
    await request(server).get('/news/a.txt');
    const record = JSON.parse((await logged(lines, 1))[0]) as Record<string, unknown>;
    expect(record).toMatchObject({ status: 307, offload: '307', offloadReason: 'overloaded' });
  });

  it('offload not configured › lines as before, in both formats', async () => {
    const { server, lines } = appWith({ offload: undefined });
    await request(server).get('/news/a.txt');
    expect((await logged(lines, 1))[0]).toMatch(/ end=complete$/);
    const json = appWith({ offload: undefined, logFormat: 'json' });
    await request(json.server).get('/news/a.txt');
    const record = JSON.parse((await logged(json.lines, 1))[0]) as Record<string, unknown>;
    expect(Object.keys(record)).not.toContain('offload');
    expect(Object.keys(record)).not.toContain('offloadReason');
  });
});

describe('misuse', () => {
  it('a wrong offload option › TypeError naming it', () => {
    expect(() => appWith({ offload: { to: 'cdn' } })).toThrow(
      /^ssi\(\): option 'offload'\.to must be an http/,
    );
  });
  it('a wrong loadSignal › TypeError naming it', () => {
    expect(() => appWith({ loadSignal: {} as LoadSignal })).toThrow(
      /option 'loadSignal' must be a LoadSignal/,
    );
  });
});
