// `cdn-include serve` as a real process answers a health check and Prometheus scrapes under /_cdn-include/: the
// exposition is parsed and its counters follow the requests made; both endpoints can be turned off, and a docroot
// entry they shadow is warned about.

import request from 'supertest';
import { createApp } from '../../src/server/app';
import { ServerMetrics } from '../../src/server/server-metrics';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { at, TempSite } from '../support/temp-site';

jest.setTimeout(60_000);

let site: TempSite;
let serving: ServeProcess | undefined;
beforeAll(
  () =>
    (site = new TempSite()
      .write('index.shtml', 'hi <!--#include virtual="/inc/x.html" -->', at(1))
      .write('inc/x.html', 'there', at(2))
      .write('_cdn-include/health', 'a page of the site', at(3))),
);
afterEach(() => serving?.child.kill('SIGKILL'));
afterAll(() => site.remove());

/** The samples of a Prometheus text exposition, keyed `name{labels}` as written (comments skipped). */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    samples.set(match[1], Number(match[2]));
  }
  return samples;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/_cdn-include/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

describe('serve: health and metrics', () => {
  it('health › 200 JSON with the file-watch state, never cached, and the docroot entry it shadows is warned about', async () => {
    serving = await startServeProcess([site.root, '--port', '0', '--quiet']);
    const response = await fetch(`${serving.url}/_cdn-include/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok', watcher: 'watching' });
    expect(serving.output.join('')).toMatch(
      /_cdn-include is not served where the health and metrics endpoints/,
    );
  });

  it('metrics › requests by status, render-cache hits and misses, render times and the watch state move with requests', async () => {
    serving = await startServeProcess([site.root, '--port', '0', '--quiet']);
    const before = await scrape(serving.url);
    const first = await fetch(`${serving.url}/`);
    const etag = first.headers.get('etag') ?? '';
    await fetch(`${serving.url}/`);
    expect((await fetch(`${serving.url}/`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    await fetch(`${serving.url}/missing`);
    const after = await scrape(serving.url);
    const moved = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    // Two GETs: the scrapes (200s too) are not site traffic, neither counted nor logged.
    expect(moved('cdn_include_requests_total{status="200"}')).toBe(2);
    expect(moved('cdn_include_requests_total{status="304"}')).toBe(1);
    expect(moved('cdn_include_requests_total{status="404"}')).toBe(1);
    // Three answers of the middleware for /: the first a miss, the others hits once the response is cached (a
    // cache still starting its file watch may build again: then more misses, each timed).
    const misses = moved('cdn_include_render_cache_total{outcome="miss"}');
    expect(misses).toBeGreaterThanOrEqual(1);
    expect(misses + moved('cdn_include_render_cache_total{outcome="hit"}')).toBe(3);
    expect(moved('cdn_include_render_duration_seconds_count')).toBe(misses);
    expect(after.get('cdn_include_render_duration_seconds_sum')).toBeGreaterThan(0);
    expect(after.get('cdn_include_watcher_state{state="watching"}')).toBe(1);
    expect(after.get('cdn_include_watcher_state{state="unavailable"}')).toBe(0);
    expect(after.has('process_resident_memory_bytes')).toBe(true);
  });

  it('--no-health --no-metrics › the paths are the docroot’s again, nothing warned', async () => {
    serving = await startServeProcess([site.root, '--port', '0', '--quiet', '--no-health', '--no-metrics']);
    expect(await (await fetch(`${serving.url}/_cdn-include/health`)).text()).toBe('a page of the site');
    expect((await fetch(`${serving.url}/_cdn-include/metrics`)).status).toBe(404);
    expect(serving.output.join('')).not.toMatch(/_cdn-include is not served/);
  });

  it('with --watch and a purge target › the purge queue depth is exposed', async () => {
    serving = await startServeProcess([
      site.root,
      ...['--port', '0', '--quiet', '--watch', '--purge-url', 'http://127.0.0.1:9/purge'],
    ]);
    expect((await scrape(serving.url)).get('cdn_include_purge_queue_depth')).toBe(0);
  });
});

describe('createApp operations: while the server drains', () => {
  it('health › 503 draining, so a load balancer stops sending', async () => {
    const app = createApp({ root: site.root, operations: { isDraining: () => true } });
    const response = await request(app.callback()).get('/_cdn-include/health');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'draining' });
    app.ssi.close();
  });
});

describe('createApp operations: metrics that cannot be gathered', () => {
  it('a reader that fails (under --workers, a primary that does not answer) › 503 with the reason, never cached', async () => {
    const metrics = new ServerMetrics({
      reader: () => () => Promise.reject(new Error('cluster metrics: the primary did not answer')),
    });
    const app = createApp({ root: site.root, operations: { metrics } });
    const response = await request(app.callback()).get('/_cdn-include/metrics');
    expect(response.status).toBe(503);
    expect(response.text).toBe('metrics unavailable: cluster metrics: the primary did not answer\n');
    expect(response.headers['cache-control']).toBe('no-store');
    app.ssi.close();
  });
});
