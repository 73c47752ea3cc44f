// The soak (`npm run soak`, `npm run soak:short` in CI): a server child under load from several keep-alive
// connections while fragments are rewritten, deleted and re-created, the docroot symlink is switched between two
// releases, and the server is restarted with the same state folder; every response is verified against the disk
// history. Bounded in time and requests, loopback only; exits 1 on any violation.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { get } from './http-client';
import { Mutator } from './mutator';
import { RssSampler } from './rss-sampler';
import { RestartingServer } from './restarting-server';
import { residentBytes } from './server-child';
import { PAGES, writeSoakSite } from './soak-site';
import { Verifier } from './verifier';

/** How long fragments stay unchanged before and after each restart. */
const CALM_BEFORE_RESTART_MS = 1200;
const CALM_AFTER_RESTART_MS = 500;

const HELP = `Usage: npm run soak -- [--seconds N] [--connections N] [--mutation-ms N] [--window-ms N] [--max-requests N]

  --seconds N        how long the load runs (default 60)
  --connections N    concurrent keep-alive connections (default 4)
  --mutation-ms N    mean milliseconds between two fragment changes (default 40)
  --window-ms N      the server's documented staleness window: how long it may serve bytes no longer on
                     disk (default 0: it promises none)
  --max-requests N   stop the load after this many requests (default 500000)
  --seed N           seed of the random choices (default 1)
  --restart-seconds N  stop the server every N seconds, restore every fragment with an older mtime while it is
                     down, and start it again with the same state folder; fragments stay unchanged
                     for 1.2 s before and 0.5 s after each restart (default 4; 0: never)
  --switch-seconds N   switch the docroot symlink to the other release every N seconds (default 3; 0: never,
                     and the server is given the release's real folder instead of the link)
Extra arguments after -- are passed to 'cdn-include serve'.
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: Object.fromEntries(
      [
        'seconds',
        'connections',
        'mutation-ms',
        'window-ms',
        'max-requests',
        'seed',
        'restart-seconds',
        'switch-seconds',
      ].map((name) => [name, { type: 'string' }]),
    ) as Record<string, { type: 'string' }>,
    strict: false,
  });
  if (process.argv.includes('--help')) return (void process.stdout.write(HELP), 0);
  const option = (name: string, fallback: number): number => {
    const value = Number(values[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
    return value;
  };
  const seconds = option('seconds', 60);
  const windowMs = option('window-ms', 0);
  const random = seededRandom(option('seed', 1));
  const base = mkdtempSync(join(tmpdir(), 'cdn-include-soak-'));
  const pastMs = Date.now() - 7_200_000;
  // Two releases with the same files, `current` -> releases/a: the server is given the link, as after a deploy.
  const releases = ['a', 'b'].map((name) => ({
    folder: join(base, 'releases', name),
    target: `releases/${name}`,
  }));
  for (const release of releases) writeSoakSite(release.folder, pastMs + 3_600_000);
  const link = join(base, 'current');
  symlinkSync(releases[0].target, link);
  const restartMs = option('restart-seconds', 4) * 1000;
  const switchMs = option('switch-seconds', 3) * 1000;
  // Without switches the server is given the real folder: a docroot link dates each release from when the server
  // first saw it, which would shield restarts from what this soak checks.
  const root = switchMs > 0 ? link : releases[0].folder;
  // The state folder is the soak's own (the default one, under a state home of its own), kept across restarts.
  const stateHome = join(base, 'state');
  mkdirSync(stateHome);
  const server = await RestartingServer.open(root, positionals.map(String), {
    ...process.env,
    XDG_STATE_HOME: stateHome,
  });
  const mutator = new Mutator(releases, link, pastMs, () => performance.now(), random);
  const verifier = new Verifier(mutator.history, windowMs);
  const rss = new RssSampler(() => residentBytes(server.child.pid));
  const agent = new http.Agent({ keepAlive: true, maxSockets: option('connections', 4) });
  const deadline = performance.now() + seconds * 1000;
  const maxRequests = option('max-requests', 500_000);
  log(
    `soak: ${seconds} s against ${root}, window ${windowMs} ms, restart every ${restartMs} ms, switch every ${switchMs} ms`,
  );
  try {
    const calm = { until: 0 };
    const mutating = mutateUntil(mutator, server, calm, deadline, option('mutation-ms', 40), random);
    const restarting = everyUntil(restartMs, deadline, async () => {
      // A calm second first, so clients hold dated pages (no Last-Modified goes out within a change's second)
      // whose dates the restored, older files fall behind: what a restart must not answer 304 for.
      calm.until = performance.now() + CALM_BEFORE_RESTART_MS;
      await sleep(CALM_BEFORE_RESTART_MS);
      calm.until = Infinity;
      await server.restart(() => {
        mutator.restoreOlder();
        verifier.serverStartedAt(performance.now());
      });
      // And calm a little after: the first revalidations meet the restored files, not newer changes.
      calm.until = performance.now() + CALM_AFTER_RESTART_MS;
    });
    const switching = everyUntil(switchMs, deadline, async () => mutator.switchRelease());
    const loads = Array.from({ length: option('connections', 4) }, () =>
      loadUntil(server, agent, verifier, deadline, maxRequests, random),
    );
    await Promise.all([mutating, restarting, switching, ...loads]);
  } finally {
    rss.stop();
    agent.destroy();
    await server.stop();
    rmSync(base, { recursive: true, force: true });
  }
  const growth = rss.unboundedGrowth();
  if (growth) verifier.violation('rss-growth', growth);
  printReport(verifier, mutator, rss, server.stderrLines(), server.restarts);
  return verifier.totalViolations === 0 ? 0 : 1;
}

/**
 * Changes a fragment at random intervals around `meanMs` until the deadline, never while the server is down or
 * before `calm.until`.
 */
async function mutateUntil(
  mutator: Mutator,
  server: RestartingServer,
  calm: { until: number },
  deadline: number,
  meanMs: number,
  random: () => number,
): Promise<void> {
  while (performance.now() < deadline) {
    await sleep(meanMs * 2 * random());
    await server.running();
    if (performance.now() >= calm.until) mutator.mutate();
  }
}

/** Runs `action` every `intervalMs` until the deadline; never when `intervalMs` is 0. */
async function everyUntil(intervalMs: number, deadline: number, action: () => Promise<void>): Promise<void> {
  if (intervalMs <= 0) return;
  while (performance.now() + intervalMs < deadline) {
    await sleep(intervalMs);
    await action();
  }
}

/** One connection's loop: plain GETs and replays of earlier validators (If-None-Match or If-Modified-Since). */
async function loadUntil(
  server: RestartingServer,
  agent: http.Agent,
  verifier: Verifier,
  deadline: number,
  maxRequests: number,
  random: () => number,
): Promise<void> {
  while (performance.now() < deadline && verifier.counts.requests < maxRequests) {
    const page = PAGES[Math.floor(random() * PAGES.length)];
    const roll = random();
    const replayed = roll < 0.4 ? undefined : verifier.pickReplay(page, random);
    const headers: Record<string, string> = {};
    if (replayed?.lastModified && (roll < 0.7 || !replayed.etag))
      headers['if-modified-since'] = replayed.lastModified;
    else if (replayed?.etag) headers['if-none-match'] = replayed.etag;
    try {
      const response = await server.request((origin) => get(agent, origin, page, headers));
      verifier.check(page, response, Object.keys(headers).length > 0 ? replayed : undefined);
    } catch (err) {
      verifier.networkError(page, err);
      await sleep(50);
    }
  }
}

function printReport(
  verifier: Verifier,
  mutator: Mutator,
  rss: RssSampler,
  diagnostics: number,
  restarts: number,
): void {
  const out = (text: string): boolean => process.stdout.write(`${text}\n`);
  const { counts } = verifier;
  out(
    `requests ${counts.requests}: 200 ${counts.ok200} (${counts.unsettled200} unsettled, no-store), 304 ${counts.notModified304}, other ${counts.other}, network errors ${counts.networkErrors}; conditional ${counts.conditional}`,
  );
  out(
    `mutations: ${Object.entries(mutator.counts)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}; disk states ${mutator.history.size}; server restarts ${restarts}`,
  );
  out(`server diagnostics logged: ${diagnostics} (missing includes while a fragment is deleted)`);
  out(`server RSS: ${rss.describe()}`);
  out(
    `violations: ${Object.entries(verifier.violations)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}`,
  );
  for (const example of verifier.examples) out(`  e.g. ${example}`);
  out(verifier.totalViolations === 0 ? 'soak: 0 violations' : `soak: ${verifier.totalViolations} violations`);
}

/** mulberry32: a small seeded generator, so a failing run can be repeated with its --seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((done) => setTimeout(done, milliseconds));
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`soak failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
