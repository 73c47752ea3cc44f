// checkAssetHosts against one node:http server on 127.0.0.1 that answers for the page host and its asset hosts
// (names pinned to 127.0.0.1), with a stand-in lister and an injected TLS handshake. The real HTML extraction and
// real TLS are tested in test/integration/check-asset-hosts.test.ts.

import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkAssetHosts,
  preconnectOrigins,
  type SubresourceLister,
} from '../../../src/check/asset-host-check';
import { certificateNames } from '../../../src/check/certificate-names';
import { closeServer, listenOnFreePort } from '../../support/listening-server';

const LAST_MODIFIED = 'Tue, 01 Dec 2026 00:00:00 GMT';

/** The stand-in lister: the page is a list of absolute URLs, one a line. */
const linesAsUrls: SubresourceLister = (page) =>
  page
    .toString('latin1')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => new URL(line));

let server: http.Server;
let port = 0;
let page = '';

beforeAll(async () => {
  server = await listenOnFreePort((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    if (req.url === '/css/only-here.css' && req.headers.host?.startsWith('www.'))
      return void res.writeHead(404).end();
    // a2 serves its files with another ETag than every other host.
    const etag = req.headers.host?.startsWith('a2.') ? '"a2-own"' : '"same"';
    res.writeHead(200, { ETag: etag, 'Last-Modified': LAST_MODIFIED }).end('x');
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(() => closeServer(server));

const pinned = Object.fromEntries(
  ['www', 'a1', 'a2', 'a3', 'cdn'].map((name) => [`${name}.example.test`, ['127.0.0.1']]),
);

describe('checkAssetHosts', () => {
  it('http: shards › one origin each in first-reference order, distinct URLs counted, validators compared', async () => {
    page = [
      `http://a1.example.test:${port}/img/1.png`,
      `http://a2.example.test:${port}/img/2.png`,
      `http://a1.example.test:${port}/img/3.png`,
      `http://a1.example.test:${port}/img/3.png#again`,
      `http://www.example.test:${port}/img/4.png`,
      'data:image/png;base64,AAAA',
    ].join('\n');
    const report = await checkAssetHosts(new URL(`http://www.example.test:${port}/`), {
      listSubresources: linesAsUrls,
      resolve: pinned,
    });
    expect(report.origins.map((origin) => [origin.origin, origin.requests])).toEqual([
      [`http://www.example.test:${port}`, 2],
      [`http://a1.example.test:${port}`, 2],
      [`http://a2.example.test:${port}`, 1],
    ]);
    expect(report.chromium).toMatchObject({ minConnections: 3, maxConnections: 2 + 2 + 1 });
    expect(report.validators.map((comparison) => comparison.verdict)).toEqual(['same', 'different']);
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'asset-validators-differ', origin: `http://a2.example.test:${port}` }),
    ]);
    expect(report.ok).toBe(false);
  });

  it('an asset only the asset host serves › a warning that it is no copy of this origin’s files', async () => {
    page = `http://cdn.example.test:${port}/css/only-here.css`;
    const report = await checkAssetHosts(new URL(`http://www.example.test:${port}/`), {
      listSubresources: linesAsUrls,
      resolve: pinned,
    });
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'asset-not-on-canonical', severity: 'warning' }),
    ]);
    expect(report.ok).toBe(true);
  });

  it('an https: shard whose certificate the page host’s does not cover › the injected facts decide: not coalesced', async () => {
    page = [`https://a1.example.test:${port}/img/1.png`, `https://a3.example.test:${port}/img/2.png`].join(
      '\n',
    );
    const report = await checkAssetHosts(new URL(`http://www.example.test:${port}/`), {
      listSubresources: linesAsUrls,
      resolve: pinned,
      timeoutMs: 2000,
      handshake: async (target) => ({
        protocol: 'h2',
        peerAddress: target.address,
        names: certificateNames(
          target.host === 'a1.example.test' ? 'DNS:a1.example.test' : 'DNS:a3.example.test',
        ),
        trusted: true,
      }),
    });
    expect(report.chromium.origins.map((origin) => origin.verdict)).toEqual(['own', 'own', 'own']);
    expect(report.problems.map((problem) => problem.code)).toEqual([
      'asset-host-not-coalesced',
      // The server speaks no TLS, so the injected handshake is all that succeeds: the GETs fail.
      'asset-missing',
      'asset-missing',
    ]);
    expect(report.problems[0].message).toContain('does not cover a3.example.test');
  });

  it('a page that is not HTML › an error, nothing probed', async () => {
    const report = await checkAssetHosts(new URL(`http://www.example.test:${port}/img/x.png`), {
      listSubresources: linesAsUrls,
      resolve: pinned,
    });
    expect(report.problems).toEqual([expect.objectContaining({ code: 'page-not-html', severity: 'error' })]);
    expect(report.origins).toEqual([]);
  });
});

describe('preconnectOrigins', () => {
  const base = new URL('https://www.example.test/');

  it.each([
    ['<https://a1.example.test>; rel=preconnect', ['https://a1.example.test']],
    ['<https://a1.example.test>; rel="dns-prefetch preconnect"; crossorigin', ['https://a1.example.test']],
    [['<https://a1.example.test>; rel=preconnect', '</style.css>; rel=preload'], ['https://a1.example.test']],
    ['</next.html>; rel=next, <//a2.example.test:8443>; REL=Preconnect', ['https://a2.example.test:8443']],
    [undefined, []],
  ])('%j › %j', (link, origins) => {
    expect(preconnectOrigins(link, base)).toEqual(origins);
  });
});
