// The real-browser proof of asset-host sharding (issue 14): a real cdn-include serve renders a page of 60 images
// and moves them to three asset hosts (assetHosts in its config file); nginx terminates TLS for every name on
// 127.0.0.1; headless Chromium loads the page. nginx's log and counters show the connections Chromium opened, and
// `check --asset-hosts` run against the same setup must have predicted them: one connection over HTTP/2 when one
// certificate covers every name, more over HTTP/1.1, one extra when the certificate misses a host.

import type { Browser } from 'puppeteer-core';
import type { AssetHostReport } from '../../src/check/asset-host-check';
import type { CoalescingPrediction } from '../../src/check/connection-coalescing';
import { LocalCa, type ServerCertificate } from '../support/local-ca';
import { runCliOnce } from '../support/running-cli';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { TempSite } from '../support/temp-site';
import { launchChromium } from './chromium';
import { TlsFront, type CertificateBlock, type LoggedRequest, type TlsFrontScenario } from './tls-nginx';

const PAGE_HOST = 'www.example.test';
const ASSET_HOSTS = ['a1.example.test', 'a2.example.test', 'a3.example.test'];
const IMAGES = 60;
/** A 1×1 transparent PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** The page as written: 60 images on the page's own host (an include lists them); serve moves each to its host. */
const PAGE = `<!doctype html>
<html><head><title>shards</title><link rel="icon" href="data:,"></head>
<body>
<!--#include virtual="/inc/images.html" -->
</body></html>
`;
const IMAGE_TAGS = Array.from(
  { length: IMAGES },
  (_, index) => `<img src="/img/${index}.png" width="1" height="1" alt="">`,
);

let ca: LocalCa;
let site: TempSite;
let serve: ServeProcess;
let front: TlsFront;
let everyName: ServerCertificate;
let missingA3: ServerCertificate;
let a3Only: ServerCertificate;

/** serve's config file: the three asset hosts on nginx's TLS port, the page's host as the canonical origin. */
function serveConfig(port: number): string {
  const assetHosts = {
    hosts: ASSET_HOSTS.map((host) => `https://${host}:${port}`),
    paths: ['/img/'],
    epoch: '2026-12-01T00:00:00Z',
    origin: `https://${PAGE_HOST}:${port}`,
  };
  return JSON.stringify({ assetHosts }, null, 2);
}

beforeAll(async () => {
  ca = new LocalCa();
  everyName = ca.issue([PAGE_HOST, ...ASSET_HOSTS]);
  missingA3 = ca.issue([PAGE_HOST, 'a1.example.test', 'a2.example.test']);
  a3Only = ca.issue(['a3.example.test']);
  front = new TlsFront();
  await front.reservePorts();
  site = new TempSite()
    .write('index.shtml', PAGE)
    .write('inc/images.html', `${IMAGE_TAGS.join('\n')}\n`)
    .write('cdn-include.json', serveConfig(front.port));
  for (let index = 0; index < IMAGES; index++) site.write(`img/${index}.png`, PNG);
  const config = site.path('cdn-include.json');
  serve = await startServeProcess([site.root, '--port', '0', '--quiet', '--config', config]);
  front.originPort = Number(new URL(serve.url).port);
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
  /** The hosts the page's images come from, as the browser saw them. */
  imageHosts: string[];
  /** Images that loaded (complete, with a width). */
  imagesShown: number;
  requests: LoggedRequest[];
}

const pageUrl = (): string => `https://${PAGE_HOST}:${front.port}/`;

/** What `check --asset-hosts` predicts for the setup nginx runs now (its requests are not counted after). */
async function predict(): Promise<CoalescingPrediction> {
  const resolve = [PAGE_HOST, ...ASSET_HOSTS].flatMap((host) => ['--resolve', `${host}:127.0.0.1`]);
  const argv = ['check', pageUrl(), '--asset-hosts', '--json', '--ca', ca.caFile, ...resolve];
  const outcome = await runCliOnce(argv, { env: {} });
  const report = (JSON.parse(outcome.stdout) as { assetHosts: AssetHostReport }).assetHosts;
  const [page, ...shards] = report.origins.map((origin) => origin.host);
  expect([page, ...shards.sort()]).toEqual([PAGE_HOST, ...ASSET_HOSTS]);
  expect(report.validators.map((comparison) => comparison.verdict)).toEqual(['same', 'same', 'same']);
  return report.chromium;
}

/** Opens the page and waits for its load event; the images' hosts and how many show. */
async function showPage(browser: Browser): Promise<Pick<PageLoad, 'imageHosts' | 'imagesShown'>> {
  const page = await browser.newPage();
  await page.goto(pageUrl(), { waitUntil: 'load', timeout: 30_000 });
  return page.$$eval('img', (images) => ({
    imageHosts: [...new Set(images.map((image) => new URL(image.src).hostname))].sort(),
    imagesShown: images.filter((image) => image.complete && image.naturalWidth > 0).length,
  }));
}

/** Starts nginx with `scenario`, asks `check` for its prediction, restarts nginx clean and loads the page. */
async function loadPage(
  scenario: TlsFrontScenario,
): Promise<{ load: PageLoad; predicted: CoalescingPrediction }> {
  await front.start(scenario);
  const predicted = await predict();
  await front.start(scenario);
  const browser = await launchChromium(ca.serverSpkiHash);
  const shown = await showPage(browser).finally(() => browser.close());
  const requests = front.requests();
  const connectionsByHost: Record<string, number[]> = {};
  for (const request of requests) {
    const seen = (connectionsByHost[request.host] ??= []);
    if (!seen.includes(request.connection)) seen.push(request.connection);
  }
  const load = {
    ...shown,
    opened: await front.acceptedConnections(),
    connectionsByHost,
    connections: new Set(requests.map((request) => request.connection)).size,
    protocols: [...new Set(requests.map((request) => request.protocol))],
    requests,
  };
  return { load, predicted };
}

const block = (serverNames: string[], certificate: ServerCertificate): CertificateBlock => ({
  serverNames,
  certFile: certificate.certFile,
  keyFile: certificate.keyFile,
});

/** The load matches the prediction: connections carrying requests within its range, no more opened than it said. */
function expectPredicted(load: PageLoad, predicted: CoalescingPrediction): void {
  expect(load.connections).toBeGreaterThanOrEqual(predicted.minConnections);
  expect(load.connections).toBeLessThanOrEqual(predicted.maxConnections);
  expect(load.opened).toBeGreaterThanOrEqual(load.connections);
  expect(load.opened).toBeLessThanOrEqual(predicted.maxOpened);
}

describe('Chromium loading a page of 60 images that cdn-include moved to 3 asset hosts', () => {
  it('HTTP/2, one certificate covering every name › one connection for the page and every image, as check predicted', async () => {
    const { load, predicted } = await loadPage({
      http2: true,
      certificates: [block([PAGE_HOST, ...ASSET_HOSTS], everyName)],
    });
    expect(load.imageHosts).toEqual(ASSET_HOSTS);
    expect(load.imagesShown).toBe(IMAGES);
    expect(load.protocols).toEqual(['HTTP/2.0']);
    expect(predicted).toMatchObject({ minConnections: 1, maxConnections: 1 });
    expect(load.connections).toBe(1);
    expectPredicted(load, predicted);
  });

  it('HTTP/1.1 › several connections per host, within what check predicted', async () => {
    const { load, predicted } = await loadPage({
      http2: false,
      certificates: [block([PAGE_HOST, ...ASSET_HOSTS], everyName)],
    });
    expect(load.imagesShown).toBe(IMAGES);
    expect(load.protocols).toEqual(['HTTP/1.1']);
    expect(load.connections).toBeGreaterThan(1 + ASSET_HOSTS.length);
    expectPredicted(load, predicted);
  });

  it('HTTP/2, the certificate misses a3 › one extra connection, which carries a3’s images, as check predicted', async () => {
    const { load, predicted } = await loadPage({
      http2: true,
      certificates: [
        block([PAGE_HOST, 'a1.example.test', 'a2.example.test'], missingA3),
        block(['a3.example.test'], a3Only),
      ],
    });
    expect(load.imagesShown).toBe(IMAGES);
    expect(predicted).toMatchObject({ minConnections: 2, maxConnections: 2 });
    expect(load.connections).toBe(2);
    const [pageConnection] = load.connectionsByHost[PAGE_HOST];
    expect(load.connectionsByHost['a1.example.test']).toEqual([pageConnection]);
    expect(load.connectionsByHost['a3.example.test']).toHaveLength(1);
    expect(load.connectionsByHost['a3.example.test']).not.toContain(pageConnection);
    expectPredicted(load, predicted);
  });
});
