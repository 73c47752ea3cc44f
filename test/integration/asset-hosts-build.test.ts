// Asset hosts in the build: the bytes and validators `serve` sends for a plain GET, the epoch in the Last-Modified
// of rewritten pages only, and a changed configuration re-rendering every page while only the rewritten ones get
// new validators.

import Koa from 'koa';
import request from 'supertest';
import { type AssetHostsOptions } from '../../src/asset-hosts/asset-host-options';
import { ssi } from '../../src/server/ssi-middleware';
import { buildSite } from '../../src/site-build/build-site';
import { MemoryOutputFs } from '../support/memory-output-fs';
import { MemorySite } from '../support/memory-site';

const FILE_TIME = Date.UTC(2026, 0, 1);
const BUILD_TIME = Date.UTC(2026, 11, 3);
const ASSET_HOSTS: AssetHostsOptions = {
  hosts: ['https://a1.example', { origin: 'https://a2.example', weight: 2 }],
  paths: ['/img/'],
  epoch: '2026-12-01T00:00:00Z',
};

function site(): MemorySite {
  return new MemorySite({
    '/index.shtml': {
      content: '<h1>\xe9</h1>\r\n<!--#include virtual="/inc/i.html" -->',
      mtimeMs: FILE_TIME,
    },
    '/inc/i.html': {
      content: '<IMG SRC=/img/a.png>\r\n<img srcset="/img/b.png 1x, /img/c.png 2x">',
      mtimeMs: FILE_TIME,
    },
    '/plain.shtml': { content: '<p>nothing to move</p>', mtimeMs: FILE_TIME },
    '/img/a.png': { content: 'A', mtimeMs: FILE_TIME },
    '/css/site.css': { content: 'h1{background:url(../img/a.png)}\r\n/* \xe9 */', mtimeMs: FILE_TIME },
    '/css/plain.css': { content: 'h1{color:red}', mtimeMs: FILE_TIME },
  });
}

describe('asset hosts › build', () => {
  it('a rewritten page › the bytes, ETag and Last-Modified serve sends', async () => {
    const source = site();
    const output = new MemoryOutputFs();
    const report = await buildSite({
      source,
      lister: source,
      output,
      now: BUILD_TIME,
      assetHosts: ASSET_HOSTS,
    });
    const built = output.files.get('/index.shtml');
    const served = await request(new Koa().use(ssi({ source: site(), assetHosts: ASSET_HOSTS })).callback())
      .get('/index.shtml')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(built?.bytes.equals(served.body as Buffer)).toBe(true);
    expect(built?.bytes.toString('latin1')).toContain('https://a');
    const page = report.pages.find((entry) => entry.path === '/index.shtml');
    expect(page?.etag).toBe(served.headers.etag);
    expect(page?.lastModified).toBe(served.headers['last-modified']);
    expect(page?.lastModified).toBe('Tue, 01 Dec 2026 00:00:00 GMT');
  });

  it('a CSS file › its url()s on the host pages use for the same image, byte for byte what serve sends', async () => {
    const source = site();
    const output = new MemoryOutputFs();
    await buildSite({ source, lister: source, output, now: BUILD_TIME, assetHosts: ASSET_HOSTS });
    const css = output.files.get('/css/site.css');
    const page = output.files.get('/index.shtml')?.bytes.toString('latin1') ?? '';
    const host = /SRC=(https:\/\/[^/]+)\/img\/a\.png/.exec(page)?.[1];
    expect(css?.bytes.toString('utf8')).toBe(`h1{background:url(${host}/img/a.png)}\r\n/* \xe9 */`);
    expect(css?.mtimeMs).toBe(Date.parse(ASSET_HOSTS.epoch));
    expect(output.files.get('/css/plain.css')?.mtimeMs).toBe(FILE_TIME);
    const served = await request(new Koa().use(ssi({ source: site(), assetHosts: ASSET_HOSTS })).callback())
      .get('/css/site.css')
      .expect(200);
    expect(served.text).toBe(css?.bytes.toString('utf8'));
    expect(served.headers['last-modified']).toBe('Tue, 01 Dec 2026 00:00:00 GMT');
  });

  it('another epoch › every page rendered again; only the rewritten one gets new validators', async () => {
    const source = site();
    const output = new MemoryOutputFs();
    const first = await buildSite({
      source,
      lister: source,
      output,
      now: BUILD_TIME,
      assetHosts: ASSET_HOSTS,
    });
    const later = { ...ASSET_HOSTS, epoch: '2026-12-02T00:00:00Z' };
    const second = await buildSite({
      source,
      lister: source,
      output,
      now: BUILD_TIME + 1000,
      assetHosts: later,
    });
    const entry = (report: typeof first, path: string) => report.pages.find((page) => page.path === path);
    expect(second.rendered).toBe(2);
    expect(second.copied).toBe(1); // the CSS file whose url() moved
    expect(entry(second, '/plain.shtml')?.lastModified).toBe(entry(first, '/plain.shtml')?.lastModified);
    expect(entry(second, '/plain.shtml')?.etag).toBe(entry(first, '/plain.shtml')?.etag);
    expect(entry(second, '/index.shtml')?.lastModified).toBe('Wed, 02 Dec 2026 00:00:00 GMT');
  });

  it('the same configuration again › nothing rendered', async () => {
    const source = site();
    const output = new MemoryOutputFs();
    await buildSite({ source, lister: source, output, now: BUILD_TIME, assetHosts: ASSET_HOSTS });
    const again = await buildSite({
      source,
      lister: source,
      output,
      now: BUILD_TIME + 1000,
      assetHosts: ASSET_HOSTS,
    });
    expect(again.rendered).toBe(0);
  });
});
