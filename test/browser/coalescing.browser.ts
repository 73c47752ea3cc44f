// The real-browser proof of asset-host sharding (issue 14): headless Chromium loads a page of 60 images spread over
// three asset hosts through nginx with TLS on 127.0.0.1, in front of a real cdn-include serve; nginx's log and
// counters show how many connections the browser opened, for HTTP/2 with one certificate covering every name
// (one connection), HTTP/1.1 (more) and HTTP/2 with a certificate that misses one host (one extra).

import type { Browser } from 'puppeteer-core';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { LocalCa, type ServerCertificate } from '../support/local-ca';
import { TempSite } from '../support/temp-site';
import { launchChromium } from './chromium';
import { TlsFront, type LoggedRequest, type TlsFrontScenario } from './tls-nginx';

const PAGE_HOST = 'www.example.test';
const ASSET_HOSTS = ['a1.example.test', 'a2.example.test', 'a3.example.test'];
const IMAGES = 60;
/** A 1×1 transparent PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let ca: LocalCa;
let site: TempSite;
let serve: ServeProcess;
let front: TlsFront;
let everyName: ServerCertificate;
let missingA3: ServerCertificate;
let a3Only: ServerCertificate;

/** The page, as written by hand: image i on asset host i mod 3. */
function handWrittenPage(port: number): string {
  const images = Array.from({ length: IMAGES }, (_, index) => {
    const host = ASSET_HOSTS[index % ASSET_HOSTS.length];
    return `<img src="https://${host}:${port}/img/${index}.png" width="1" height="1" alt="">`;
  });
  return `<!doctype html>\n<html><head><title>shards</title><link rel="icon" href="data:,"></head>\n<body>\n${images.join('\n')}\n</body></html>\n`;
}

beforeAll(async () => {
  ca = new LocalCa();
  everyName = ca.issue([PAGE_HOST, ...ASSET_HOSTS]);
  missingA3 = ca.issue([PAGE_HOST, 'a1.example.test', 'a2.example.test']);
  a3Only = ca.issue(['a3.example.test']);
  site = new TempSite();
  for (let index = 0; index < IMAGES; index++) site.write(`img/${index}.png`, PNG);
  serve = await startServeProcess([site.root, '--port', '0', '--quiet']);
  front = new TlsFront(Number(new URL(serve.url).port));
  await front.reservePorts();
  site.write('index.html', handWrittenPage(front.port));
});

afterAll(async () => {
  await front?.stop();
  front?.remove();
  if (serve?.child.exitCode === null) serve.child.kill('SIGTERM');
  await serve?.exited;
  site?.remove();
  ca?.remove();
});

/** What one page load cost. */
interface PageLoad {
  /** TLS connections nginx accepted. */
  opened: number;
  /** The connections requests came on, by host. */
  connectionsByHost: Record<string, number[]>;
  /** Distinct connections that carried a request. */
  connections: number;
  protocols: string[];
  /** Images that loaded (complete, with a width). */
  imagesShown: number;
  requests: LoggedRequest[];
}

/** Opens the page and waits for its load event; resolves with how many images it shows. */
async function showPage(browser: Browser): Promise<number> {
  const page = await browser.newPage();
  await page.goto(`https://${PAGE_HOST}:${front.port}/`, { waitUntil: 'load', timeout: 30_000 });
  return page.$$eval(
    'img',
    (images) => images.filter((image) => image.complete && image.naturalWidth > 0).length,
  );
}

async function loadPage(scenario: TlsFrontScenario): Promise<PageLoad> {
  await front.start(scenario);
  const browser = await launchChromium(ca.serverSpkiHash);
  const imagesShown = await showPage(browser).finally(() => browser.close());
  const requests = front.requests();
  const connectionsByHost: Record<string, number[]> = {};
  for (const request of requests) {
    const seen = (connectionsByHost[request.host] ??= []);
    if (!seen.includes(request.connection)) seen.push(request.connection);
  }
  return {
    opened: await front.acceptedConnections(),
    connectionsByHost,
    connections: new Set(requests.map((request) => request.connection)).size,
    protocols: [...new Set(requests.map((request) => request.protocol))],
    imagesShown,
    requests,
  };
}

const block = (serverNames: string[], certificate: ServerCertificate) => ({
  serverNames,
  certFile: certificate.certFile,
  keyFile: certificate.keyFile,
});

describe('Chromium loading 60 images over 3 asset hosts', () => {
  it('HTTP/2, one certificate covering every name › one connection for the page and every image', async () => {
    const load = await loadPage({
      http2: true,
      certificates: [block([PAGE_HOST, ...ASSET_HOSTS], everyName)],
    });
    expect(load.imagesShown).toBe(IMAGES);
    expect(load.protocols).toEqual(['HTTP/2.0']);
    expect(load.connections).toBe(1);
    // The navigation may race a preconnect to the page's origin (Chromium's net log shows it): one spare at most.
    expect(load.opened).toBeGreaterThanOrEqual(1);
    expect(load.opened).toBeLessThanOrEqual(2);
  });

  it('HTTP/1.1 › several connections per host', async () => {
    const load = await loadPage({
      http2: false,
      certificates: [block([PAGE_HOST, ...ASSET_HOSTS], everyName)],
    });
    expect(load.imagesShown).toBe(IMAGES);
    expect(load.protocols).toEqual(['HTTP/1.1']);
    // At least one per host; at most 6 per asset host (20 images each) and the page's own.
    expect(load.connections).toBeGreaterThan(4);
    expect(load.connections).toBeLessThanOrEqual(1 + 6 * 3);
    expect(load.opened).toBeLessThanOrEqual(2 + 6 * 3);
  });

  it('HTTP/2, the certificate misses a3 › one extra connection, which carries a3’s images', async () => {
    const load = await loadPage({
      http2: true,
      certificates: [
        block([PAGE_HOST, 'a1.example.test', 'a2.example.test'], missingA3),
        block(['a3.example.test'], a3Only),
      ],
    });
    expect(load.imagesShown).toBe(IMAGES);
    expect(load.connections).toBe(2);
    const [pageConnection] = load.connectionsByHost[PAGE_HOST];
    expect(load.connectionsByHost['a1.example.test']).toEqual([pageConnection]);
    expect(load.connectionsByHost['a3.example.test']).toHaveLength(1);
    expect(load.connectionsByHost['a3.example.test']).not.toContain(pageConnection);
    // a3's 20 waiting images may open up to 6 connections before ALPN says h2; the spares carry nothing.
    expect(load.opened).toBeGreaterThanOrEqual(2);
    expect(load.opened).toBeLessThanOrEqual(2 + 6);
  });
});
