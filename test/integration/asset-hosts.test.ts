// Asset hosts through the middleware: pages carry their asset URLs on the asset hosts, a preconnect link per host
// they reference, and a Last-Modified no older than the configuration's epoch; pages without asset URLs keep their
// bytes and validators; requests on an asset host get a 301 for pages and the same asset bytes and validators
// (with CORS fields in CORS mode); a revalidation of a rewritten page answers 304.

import Koa from 'koa';
import request from 'supertest';
import { assetHostFor } from '../../src/asset-hosts/asset-assignment';
import { type AssetHostsOptions, resolveAssetHosts } from '../../src/asset-hosts/asset-host-options';
import { ASSET_HOSTS_DEPENDENCY } from '../../src/asset-hosts/page-assets';
import { purgeJobs } from '../../src/cli/watch-mode';
import { DependencyGraph } from '../../src/engine/dependency-graph';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { tagOf } from '../../src/server/purge-tags';
import { ssi, type SsiOptions } from '../../src/server/ssi-middleware';

const FILE_TIME = Date.UTC(2026, 0, 1); // older than the epoch
const EPOCH = '2026-12-01T00:00:00Z';
const ASSET_HOSTS: AssetHostsOptions = {
  hosts: ['https://a1.example', 'https://a2.example', 'https://a3.example'],
  paths: ['/img/', '/css/'],
  epoch: EPOCH,
  origin: 'https://www.example',
};
const IMAGES = Array.from({ length: 12 }, (_, index) => `/img/p${index}.png`);
const PAGE = `<!DOCTYPE html><link rel=stylesheet href="/css/site.css"><!--#include virtual="/inc/imgs.html" -->`;

function siteSource(): MemoryFileSource {
  return new MemoryFileSource({
    '/index.shtml': { content: PAGE, mtimeMs: FILE_TIME },
    '/inc/imgs.html': { content: IMAGES.map((path) => `<img src="${path}">`).join('\n'), mtimeMs: FILE_TIME },
    '/plain.shtml': { content: '<p>no assets <a href="/img/p1.png">here</a></p>', mtimeMs: FILE_TIME },
    '/img/p1.png': { content: 'PNG1', mtimeMs: FILE_TIME },
    '/css/site.css': { content: 'body{}', mtimeMs: FILE_TIME },
  });
}

function server(options: Partial<SsiOptions> = {}) {
  return new Koa().use(ssi({ source: siteSource(), assetHosts: ASSET_HOSTS, ...options })).callback();
}

const config = resolveAssetHosts(ASSET_HOSTS);
const hostOf = (path: string) => assetHostFor(path, config.hosts)?.origin;

describe('asset hosts › pages on the canonical host', () => {
  it('a page with assets › their URLs on their hosts, one preconnect link per host referenced, epoch Last-Modified', async () => {
    const response = await request(server()).get('/index.shtml').set('Host', 'www.example').expect(200);
    const expected =
      `<!DOCTYPE html><link rel=stylesheet href="${hostOf('/css/site.css')}/css/site.css">` +
      IMAGES.map((path) => `<img src="${hostOf(path)}${path}">`).join('\n');
    expect(response.text).toBe(expected);
    const used = new Set([hostOf('/css/site.css'), ...IMAGES.map(hostOf)]);
    expect(new Set(response.headers.link.split(', '))).toEqual(
      new Set([...used].map((host) => `<${host}>; rel=preconnect`)),
    );
    expect(response.headers['last-modified']).toBe(new Date(EPOCH).toUTCString());
  });

  it('a rewritten page revalidated › 304 with no body', async () => {
    const app = server();
    const first = await request(app).get('/index.shtml').expect(200);
    const second = await request(app)
      .get('/index.shtml')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    expect(second.text).toBe('');
  });

  it('a page without asset URLs › the same bytes, ETag and Last-Modified as without asset hosts, no Link', async () => {
    const withHosts = await request(server()).get('/plain.shtml').expect(200);
    const without = await request(new Koa().use(ssi({ source: siteSource() })).callback())
      .get('/plain.shtml')
      .expect(200);
    expect(withHosts.text).toBe(without.text);
    expect(withHosts.headers.etag).toBe(without.headers.etag);
    expect(withHosts.headers['last-modified']).toBe(without.headers['last-modified']);
    expect(withHosts.headers.link).toBeUndefined();
  });

  it('another epoch › another Last-Modified for the rewritten page only', async () => {
    const later = server({ assetHosts: { ...ASSET_HOSTS, epoch: '2026-12-02T00:00:00Z' } });
    const page = await request(later).get('/index.shtml').expect(200);
    expect(page.headers['last-modified']).toBe('Wed, 02 Dec 2026 00:00:00 GMT');
    const plain = await request(later).get('/plain.shtml').expect(200);
    expect(plain.headers['last-modified']).toBe(new Date(FILE_TIME).toUTCString());
  });

  it('a page in ISO-2022-JP › sent as rendered, with an asset-hosts-skipped warning', async () => {
    const source = siteSource();
    const page = '<meta charset="iso-2022-jp"><img src="/img/p1.png">';
    source.write('/jp.shtml', page, FILE_TIME);
    const seen: string[] = [];
    const app = new Koa()
      .use(
        ssi({
          source,
          assetHosts: ASSET_HOSTS,
          onDiagnostic: (diagnostic) => seen.push(`${diagnostic.code} ${diagnostic.file}`),
        }),
      )
      .callback();
    const response = await request(app).get('/jp.shtml').expect(200);
    expect(response.text).toBe(page);
    expect(response.headers.link).toBeUndefined();
    expect(seen).toEqual(['asset-hosts-skipped /jp.shtml']);
  });

  it('no asset hosts configured › pages as they were', async () => {
    const response = await request(new Koa().use(ssi({ source: siteSource() })).callback())
      .get('/index.shtml')
      .expect(200);
    expect(response.text).toContain('<img src="/img/p0.png">');
    expect(response.headers.link).toBeUndefined();
  });
});

describe('asset hosts › requests on an asset host', () => {
  it('a page › 301 to the canonical origin, never to the request Host', async () => {
    const response = await request(server()).get('/index.shtml?x=1').set('Host', 'a2.example').expect(301);
    expect(response.headers.location).toBe('https://www.example/index.shtml?x=1');
  });

  it('a folder (its index page) › 301 as well', async () => {
    const response = await request(server()).get('/').set('Host', 'a1.example:443').expect(301);
    expect(response.headers.location).toBe('https://www.example/');
  });

  it('an asset › the same bytes and validators as on the canonical host, no CORS fields outside CORS mode', async () => {
    const app = server();
    const canonical = await request(app).get('/img/p1.png').set('Host', 'www.example').expect(200);
    const onAssetHost = await request(app).get('/img/p1.png').set('Host', 'a1.example').expect(200);
    expect(onAssetHost.body).toEqual(canonical.body);
    expect(onAssetHost.headers.etag).toBe(canonical.headers.etag);
    expect(onAssetHost.headers['last-modified']).toBe(canonical.headers['last-modified']);
    expect(onAssetHost.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('CORS mode › Access-Control-Allow-Origin and Timing-Allow-Origin name the canonical origin, on 304 too', async () => {
    const app = server({ assetHosts: { ...ASSET_HOSTS, cors: true } });
    const first = await request(app).get('/img/p1.png').set('Host', 'a3.example').expect(200);
    expect(first.headers['access-control-allow-origin']).toBe('https://www.example');
    expect(first.headers['timing-allow-origin']).toBe('https://www.example');
    expect(first.headers.vary ?? '').not.toMatch(/origin/i);
    const again = await request(app)
      .get('/img/p1.png')
      .set('Host', 'a3.example')
      .set('If-None-Match', first.headers.etag)
      .expect(304);
    expect(again.headers['access-control-allow-origin']).toBe('https://www.example');
  });

  it('no canonical origin configured › a page on an asset host is 404', async () => {
    const { origin: _origin, ...withoutOrigin } = ASSET_HOSTS;
    await request(server({ assetHosts: withoutOrigin }))
      .get('/index.shtml')
      .set('Host', 'a1.example')
      .expect(404);
  });
});

describe('asset hosts › purging after a change of the configuration', () => {
  it('the rewritten pages (only) rest on the configuration › its purge tag, and the purge jobs of a change', async () => {
    const graph = new DependencyGraph();
    const app = server({ onPageBuilt: (built) => graph.record(built.url, built.path, built.dependencies) });
    const page = await request(app).get('/index.shtml').expect(200);
    const plain = await request(app).get('/plain.shtml').expect(200);
    await request(app).get('/img/p1.png').expect(200);
    expect(page.headers['surrogate-key'].split(' ')).toContain(tagOf(ASSET_HOSTS_DEPENDENCY));
    expect(plain.headers['surrogate-key'].split(' ')).not.toContain(tagOf(ASSET_HOSTS_DEPENDENCY));
    expect(purgeJobs(graph, [ASSET_HOSTS_DEPENDENCY], 'url')).toEqual([
      { tag: tagOf('/index.shtml'), url: '/index.shtml' },
    ]);
    expect(purgeJobs(graph, [ASSET_HOSTS_DEPENDENCY], 'tag')).toEqual([
      { tag: tagOf(ASSET_HOSTS_DEPENDENCY), url: ASSET_HOSTS_DEPENDENCY },
    ]);
  });
});

describe('asset hosts › configuration mistakes', () => {
  it('a wrong host › a TypeError naming the key when the middleware is made', () => {
    expect(() => ssi({ source: siteSource(), assetHosts: { ...ASSET_HOSTS, hosts: ['ftp://x'] } })).toThrow(
      'ssi(): option assetHosts.hosts[0] must be an origin',
    );
  });
});
