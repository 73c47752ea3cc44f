// The load signal in a real `cdn-include serve` process: driven into overload by the test-only CPU burn (and, in a
// second process, by egress over a small budget), seen in /_cdn-include/health and /_cdn-include/metrics, and back
// to normal once the load stops. Without the environment variable the burn field does nothing.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LOAD_THRESHOLDS } from '../../src/server/load-settings';
import { compiledPackage } from '../support/compiled-cli';
import { type TextResponse, textGet } from '../support/raw-request';
import { type ServeProcess, startServeProcess } from '../support/serve-process';
import { TempSite } from '../support/temp-site';

const BIG = Buffer.alloc(300_000, 7);
const site = new TempSite().write('index.shtml', '<p>home</p>\n').write('big.bin', BIG);
const folder = mkdtempSync(join(tmpdir(), 'cdn-include-load-'));
const running: ServeProcess[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

// Compiling the package for the first serve process may take a while on a busy machine: not within a test's bound.
beforeAll(() => compiledPackage(), 180_000);

afterAll(async () => {
  agent.destroy();
  for (const serve of running) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  site.remove();
  rmSync(folder, { recursive: true, force: true });
});

/** Starts serve on the site with `load` in its config file (or the whole `config`) and `env` added. */
async function serveWith(
  load: unknown,
  env: Record<string, string> = {},
  settings: object = { load },
): Promise<ServeProcess> {
  const config = join(folder, `config-${running.length}.json`);
  writeFileSync(config, JSON.stringify(settings));
  const serve = await startServeProcess([site.root, '--port', '0', '--quiet', '--config', config], env);
  running.push(serve);
  return serve;
}

/** A GET of `url` on the test's keep-alive agent. */
function get(url: string, headers: Record<string, string> = {}): Promise<TextResponse> {
  return textGet(url, headers, { agent });
}

interface HealthLoad {
  level: string;
  shedShare: number;
  eventLoopUtilization: number;
  egressBytesPerSecond: number;
}

async function loadOf(url: string): Promise<HealthLoad> {
  return (JSON.parse((await get(`${url}/_cdn-include/health`)).body) as { load: HealthLoad }).load;
}

/** Runs `work` in a loop from `clients` clients until `done()` (checked between rounds) or `timeoutMs` passes. */
async function loadUntil(work: () => Promise<unknown>, done: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let stop = false;
  const clients = [1, 2, 3].map(async () => {
    while (!stop) await work();
  });
  try {
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    stop = true;
    await Promise.all(clients);
  }
}

async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const WINDOWS = { windowMs: 200, enterWindows: 2, leaveWindows: 2 };

describe('serve › load signal', () => {
  it('without CDN_INCLUDE_TEST_BURN › the burn field burns nothing; no load key › no load in health', async () => {
    const serve = await startServeProcess([site.root, '--port', '0', '--quiet']);
    running.push(serve);
    const res = await get(`${serve.url}/`, { 'X-Cdn-Include-Test-Burn': '200' });
    expect(res.status).toBe(200);
    expect(res.headers['x-cdn-include-test-burned']).toBeUndefined();
    const health = JSON.parse((await get(`${serve.url}/_cdn-include/health`)).body) as Record<
      string,
      unknown
    >;
    expect(health.status).toBe('ok');
    expect(health).not.toHaveProperty('load');
    const metrics = (await get(`${serve.url}/_cdn-include/metrics`)).body;
    expect(metrics).not.toContain('cdn_include_load_level');
  }, 20_000);

  it('an offload, even "always" › the signal runs for its loop rules and shows in health', async () => {
    const offload = { to: 'https://cdn.example.net/', when: 'always' };
    const serve = await serveWith(undefined, {}, { offload });
    expect(await loadOf(serve.url)).toMatchObject({ level: 'normal', shedShare: 0 });
  }, 20_000);

  it('burning CPU › overloaded in health and metrics, then normal once the burn stops', async () => {
    const serve = await serveWith({ ...WINDOWS, eventLoopDelayMs: false }, { CDN_INCLUDE_TEST_BURN: '1' });
    expect(await loadOf(serve.url)).toMatchObject({ level: 'normal', shedShare: 0 });
    const burnt = await get(`${serve.url}/`, { 'X-Cdn-Include-Test-Burn': '5' });
    expect(burnt.headers['x-cdn-include-test-burned']).toBe('5');
    let seen: HealthLoad | undefined;
    let metrics = '';
    await loadUntil(
      () => get(`${serve.url}/`, { 'X-Cdn-Include-Test-Burn': '40' }),
      async () => {
        seen = await loadOf(serve.url);
        if (seen.level === 'normal') return false;
        metrics = (await get(`${serve.url}/_cdn-include/metrics`)).body;
        return true;
      },
      10_000,
    );
    // The level turned once the smoothed utilization passed `high` and holds until it stays under `low`; what a
    // later read shows is anywhere above `low` while the burn goes on (a busy machine lowers it: 0.833 was seen).
    const { low } = DEFAULT_LOAD_THRESHOLDS.eventLoopUtilization;
    expect(seen?.eventLoopUtilization).toBeGreaterThan(low);
    expect(metrics).toMatch(/^cdn_include_load_level [12]$/m);
    const utilization = /^cdn_include_event_loop_utilization ([\d.]+)$/m.exec(metrics);
    expect(Number(utilization?.[1])).toBeGreaterThan(low);
    expect(metrics).toMatch(/^cdn_include_load_shed_ratio [\d.]+$/m);
    expect(metrics).toMatch(/^cdn_include_event_loop_delay_p99_seconds [\d.e-]+$/m);
    expect(metrics).toMatch(/^cdn_include_requests_in_flight \d+$/m);
    await until(async () => (await loadOf(serve.url)).level === 'normal', 10_000);
    expect((await get(`${serve.url}/_cdn-include/metrics`)).body).toMatch(/^cdn_include_load_level 0$/m);
  }, 40_000);

  it('egress over its budget › overloaded with egress in health, then normal once the downloads stop', async () => {
    // Egress alone: a busy test machine must not decide the level through the event loop's figures.
    const serve = await serveWith({
      ...WINDOWS,
      egressBytesPerSecond: 500_000,
      eventLoopUtilization: false,
      eventLoopDelayMs: false,
    });
    let seen: HealthLoad | undefined;
    let peakEgress = 0;
    await loadUntil(
      () => get(`${serve.url}/big.bin`),
      async () => {
        seen = await loadOf(serve.url);
        peakEgress = Math.max(peakEgress, seen.egressBytesPerSecond);
        return seen.level !== 'normal';
      },
      10_000,
    );
    // Health shows the last window's egress. Once the level turns, downloads are shed, so the window read at that
    // moment may have sent nothing while the level holds (it leaves only after two quiet windows; 0 was seen):
    // the figure that turned it is the one read during the load.
    expect(peakEgress).toBeGreaterThan(400_000);
    expect(seen?.shedShare).toBeGreaterThan(0);
    await until(async () => (await loadOf(serve.url)).level === 'normal', 10_000);
  }, 40_000);
});
