// Real edges around an origin that wrk drives into overload: a client following the 307 reaches the CDN (nginx,
// which proxies back with CDN-Loop) in one hop and is served; Varnish in front never stores a 307; our edges get
// the under-load fields, so nginx and Varnish keep serving from their caches instead of coming back while the
// origin sheds; once the load is gone the normal policy returns.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import type { EdgeResponse } from '../edge/edge-request';
import type { ServerProcess } from '../support/server-process';
import {
  CDN_HOST,
  FOREIGN_PREFIX,
  freeCdnPort,
  OUR_EDGE,
  startCdnNginx,
  startEdgeVarnish,
} from './offload-edges';
import { type OffloadOrigin, startOffloadOrigin, writeSite } from './offload-origin';
import { LOAD_SETTINGS, PACE_MS, siteFiles, sleep } from './offload-site';
import { runWrk, type WrkResult } from './wrk-load';

/**
 * wrk's connections: about 120 big pages a second, four times the egress budget: overloaded, shedding about half
 * (critical now and then on a busy machine, when edges' fetches that no cached copy answers get 503).
 */
const WRK_CONNECTIONS = 8;
const WRK_SECONDS = 10;
/** How long each scenario runs while the origin is overloaded. */
const SCENARIO_MS = 5000;
/** The normal Cache-Control of pages: edges keep them a second. */
const NORMAL_CACHE_CONTROL = 'public, max-age=1';

describe('real edges while the origin sheds (nginx CDN, Varnish edge)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-offload-edges-'));
  let site: ReturnType<typeof writeSite> | undefined;
  let origin: OffloadOrigin | undefined;
  let nginx: ServerProcess | undefined;
  let varnish: ServerProcess | undefined;
  let cdnBase = '';

  beforeAll(async () => {
    site = writeSite(siteFiles());
    const cdnPort = await freeCdnPort();
    cdnBase = `http://${CDN_HOST}:${cdnPort}/`;
    origin = await startOffloadOrigin(site.root, {
      staticCacheControl: NORMAL_CACHE_CONTROL,
      // Not kept by any cache: each request through Varnish reaches the origin, unless a 307 were stored.
      cacheRules: [{ path: `${FOREIGN_PREFIX}**`, maxAge: 0 }],
      load: LOAD_SETTINGS,
      offload: { to: cdnBase, edges: { cdnLoop: [OUR_EDGE] } },
    });
    [nginx, varnish] = await Promise.all([
      startCdnNginx(join(folder, 'nginx'), cdnPort, origin.port),
      startEdgeVarnish(join(folder, 'varnish'), origin.port),
    ]);
  });

  afterAll(async () => {
    await Promise.all([nginx?.stop(), varnish?.stop()]);
    await origin?.stop();
    site?.remove();
    rmSync(folder, { recursive: true, force: true });
  });

  it('under overload: one hop at most, no 307 stored, edges serve on; afterwards the normal policy', async () => {
    const live = origin as OffloadOrigin;
    const cdn = nginx as ServerProcess;
    const edge = varnish as ServerProcess;
    // Both edges hold /news.html under the normal policy first.
    for (const url of [`${cdnBase}news.html`, `http://127.0.0.1:${edge.port}/news.html`]) {
      const warm = await edgeGetAt(new URL(url), 'warm');
      expect([warm.status, warm.headers['cache-control'], warm.headers['cdn-cache-control']]).toEqual([
        200,
        NORMAL_CACHE_CONTROL,
        undefined,
      ]);
    }
    const load = runWrk({
      port: live.port,
      path: '/big.html',
      connections: WRK_CONNECTIONS,
      delayMs: PACE_MS,
      seconds: WRK_SECONDS,
      headers: { 'User-Agent': 'wrk' },
    });
    let wrk: WrkResult | undefined;
    try {
      // Overloaded, past the critical window or two the jump to four times the budget may bring.
      await waitForLevel(live, (level) => level === 'overloaded', 5000);
      // Our edge's fetch straight to the origin while loaded: its 200 carries the under-load fields. Made now, when
      // the level is known to be overloaded; a moment of critical load answers our edge 503 (no fields to check),
      // so it is asked again, a few times at most.
      let direct = await get(live.port, '/news.html', 'direct-edge', { 'CDN-Loop': OUR_EDGE });
      for (let tries = 1; direct.status === 503 && tries < 10; tries++) {
        await sleep(100);
        direct = await get(live.port, '/news.html', 'direct-edge', { 'CDN-Loop': OUR_EDGE });
      }
      const scenarioStart = Date.now();
      const [hops, foreign, edges] = await Promise.all([
        followRedirects(live.port, cdnBase),
        throughForeignCache(edge.port),
        throughOurEdges(cdn.port, edge.port),
      ]);
      const scenarioEnd = Date.now();
      wrk = await load;
      const log = live.log();
      console.log(
        `edges under load: wrk ${JSON.stringify(wrk)}; redirect chains ${JSON.stringify(hops.chains)}; ` +
          `Varnish /foreign/: ${foreign.statuses.join(' ')}; ` +
          `nginx ${edges.nginx.map((response) => response.headers['x-cache-status']).join(' ')}; ` +
          `Varnish hits ${edges.varnish.map((response) => response.headers['x-cache-hits']).join(' ')}; ` +
          `Cache-Control through nginx ${JSON.stringify(distinct(edges.nginx))}, Varnish ${JSON.stringify(distinct(edges.varnish))}`,
      );

      // The origin shed: wrk got 307s.
      expect(wrk.statuses['307'] ?? 0).toBeGreaterThan(0);

      // A client following redirects: one hop at most, to the CDN, whose fetch (CDN-Loop) the origin never
      // redirects: it serves it, or under critical load answers 503.
      expect(hops.chains.some((chain) => chain.join(' ') === '307 200')).toBe(true);
      for (const chain of hops.chains) expect(['200', '307 200', '307 503']).toContain(chain.join(' '));
      const cdnFetches = log.filter((line) => line.userAgent === 'hop-client-followed');
      expect(cdnFetches.length).toBeGreaterThan(0);
      for (const line of cdnFetches) {
        expect(line.reason).toBe('loop-guard');
        expect([line.status, line.offload]).toEqual(line.status === 503 ? [503, '503'] : [200, '-']);
      }

      // Varnish, not our edge for /foreign/, got 307s and stored none: every request reached the origin.
      expect(foreign.statuses).toContain(307);
      expect(log.filter((line) => line.userAgent === 'foreign').length).toBe(foreign.statuses.length);
      for (const hits of foreign.hits) expect(hits).toBe('0');

      // Our edges kept serving /news.html from their caches (the under-load lifetimes), every answer a 200, and
      // came back to the origin at most twice each in five normal lifetimes.
      for (const response of [...edges.nginx, ...edges.varnish]) expect(response.status).toBe(200);
      const fetchesFrom = (agent: string) =>
        log.filter(
          (line) =>
            line.userAgent === agent &&
            line.url === '/news.html' &&
            line.time >= scenarioStart &&
            line.time <= scenarioEnd,
        ).length;
      expect(fetchesFrom('via-nginx')).toBeLessThanOrEqual(2);
      expect(fetchesFrom('via-varnish')).toBeLessThanOrEqual(2);
      expect(edges.varnish.some((response) => /s-maxage=60/.test(response.headers['cache-control']))).toBe(
        true,
      );
      expect(direct.status).toBe(200);
      expect(direct.headers['cdn-cache-control']).toBe(
        'max-age=60, stale-while-revalidate=600, stale-if-error=86400',
      );
    } finally {
      // wrk never outlives the test: a failure above still waits for it (it is killed 10 s past its time).
      if (wrk === undefined) await load.catch(() => undefined);
    }

    // Once the load is gone, our edge's fetch gets the normal policy again.
    await waitForLevel(live, (level) => level === 'normal', 8000);
    const after = await get(live.port, '/news.html', 'direct-edge', { 'CDN-Loop': OUR_EDGE });
    expect([after.headers['cache-control'], after.headers['cdn-cache-control']]).toEqual([
      NORMAL_CACHE_CONTROL,
      undefined,
    ]);
  });
});

/** GETs `path` from 127.0.0.1:`port` with `agent` as User-Agent. */
function get(
  port: number,
  path: string,
  agent: string,
  headers: Record<string, string> = {},
): Promise<EdgeResponse> {
  return edgeGetAt(new URL(`http://127.0.0.1:${port}${path}`), agent, headers);
}

/** The distinct Cache-Control values of `responses`, in the order first seen. */
function distinct(responses: readonly EdgeResponse[]): string[] {
  return [...new Set(responses.map((response) => response.headers['cache-control']))];
}

/** Polls the origin's health until `wanted(level)`; fails after `ms`. */
async function waitForLevel(origin: OffloadOrigin, wanted: (level: string) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const { level } = await origin.load();
    if (wanted(level)) return;
    if (Date.now() > deadline) throw new Error(`the load level stayed ${level} for ${ms} ms`);
    await sleep(100);
  }
}

/**
 * A client that follows redirects, for /hop.html?n=… (a new URL each, so the CDN fetches each): the statuses of each
 * chain, e.g. ['307', '200']; five hops at most. Chains go on until three were redirected and served, or the
 * scenario's time is up.
 */
async function followRedirects(originPort: number, cdnBase: string): Promise<{ chains: string[][] }> {
  const chains: string[][] = [];
  const deadline = Date.now() + SCENARIO_MS;
  const served = () => chains.filter((chain) => chain.join(' ') === '307 200').length;
  for (let n = 1; Date.now() < deadline && served() < 3; n++) {
    const chain: string[] = [];
    let url = new URL(`http://127.0.0.1:${originPort}/hop.html?n=${n}`);
    for (let hop = 0; hop < 5; hop++) {
      // Named apart once redirected, so the origin's line for the CDN's fetch can be told from the first request.
      const response = await edgeGetAt(url, hop === 0 ? 'hop-client' : 'hop-client-followed');
      chain.push(String(response.status));
      if (response.status !== 307) break;
      const location = response.headers.location;
      expect(location).toBe(`${cdnBase}hop.html?n=${n}`);
      url = new URL(location);
    }
    chains.push(chain);
    await sleep(50);
  }
  return { chains };
}

/** GETs a URL on 127.0.0.0/8 (the origin, Varnish, or the CDN at 127.0.0.2) on a fresh connection. */
function edgeGetAt(url: URL, agent: string, headers: Record<string, string> = {}): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const path = url.pathname + url.search;
    const options = { host: url.hostname, port: Number(url.port), path, agent: false };
    const req = request({ ...options, headers: { ...headers, 'User-Agent': agent } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers))
          if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.setTimeout(10000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
}

/** Requests /foreign/page.html through Varnish (no CDN-Loop there) every 50 ms for the scenario's time. */
async function throughForeignCache(varnishPort: number): Promise<{ statuses: number[]; hits: string[] }> {
  const statuses: number[] = [];
  const hits: string[] = [];
  const deadline = Date.now() + SCENARIO_MS;
  while (Date.now() < deadline) {
    const response = await get(varnishPort, `${FOREIGN_PREFIX}page.html`, 'foreign');
    statuses.push(response.status);
    if (response.status === 307) hits.push(response.headers['x-cache-hits']);
    await sleep(50);
  }
  return { statuses, hits };
}

/** Requests /news.html through nginx and Varnish every 200 ms for the scenario's time. */
async function throughOurEdges(
  nginxPort: number,
  varnishPort: number,
): Promise<{ nginx: EdgeResponse[]; varnish: EdgeResponse[] }> {
  const nginx: EdgeResponse[] = [];
  const varnish: EdgeResponse[] = [];
  const deadline = Date.now() + SCENARIO_MS;
  while (Date.now() < deadline) {
    const [viaNginx, viaVarnish] = await Promise.all([
      edgeGetAt(new URL(`http://${CDN_HOST}:${nginxPort}/news.html`), 'via-nginx'),
      get(varnishPort, '/news.html', 'via-varnish'),
    ]);
    nginx.push(viaNginx);
    varnish.push(viaVarnish);
    await sleep(200);
  }
  return { nginx, varnish };
}
