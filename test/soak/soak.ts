// The soak (`npm run soak`, `npm run soak:short` in CI): a server child under load from several keep-alive
// connections while fragments are rewritten, deleted and re-created; every response is verified against the
// disk history. Bounded in time and requests, loopback only; exits 1 on any violation.

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { get } from './http-client';
import { Mutator } from './mutator';
import { RssSampler } from './rss-sampler';
import { findCli, residentBytes, startServer, stopServer } from './server-child';
import { PAGES, writeSoakSite } from './soak-site';
import { Verifier } from './verifier';

const HELP = `Usage: npm run soak -- [--seconds N] [--connections N] [--mutation-ms N] [--window-ms N] [--max-requests N]

  --seconds N        how long the load runs (default 60)
  --connections N    concurrent keep-alive connections (default 4)
  --mutation-ms N    mean milliseconds between two fragment changes (default 40)
  --window-ms N      the server's documented staleness window: how long it may serve bytes no longer on
                     disk (default 0: it promises none)
  --max-requests N   stop the load after this many requests (default 500000)
  --seed N           seed of the random choices (default 1)
Extra arguments after -- are passed to 'cdn-include serve'.
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: Object.fromEntries(
      ['seconds', 'connections', 'mutation-ms', 'window-ms', 'max-requests', 'seed'].map((name) => [
        name,
        { type: 'string' },
      ]),
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
  const root = mkdtempSync(join(tmpdir(), 'cdn-include-soak-'));
  const pastMs = Date.now() - 7_200_000;
  writeSoakSite(root, pastMs + 3_600_000);
  const server = await startServer(findCli(), root, positionals.map(String));
  const mutator = new Mutator(root, pastMs, () => performance.now(), random);
  const verifier = new Verifier(mutator.history, windowMs);
  const rss = new RssSampler(() => residentBytes(server.child.pid));
  const agent = new http.Agent({ keepAlive: true, maxSockets: option('connections', 4) });
  const deadline = performance.now() + seconds * 1000;
  const maxRequests = option('max-requests', 500_000);
  log(`soak: ${seconds} s against ${server.origin} (root ${root}), window ${windowMs} ms`);
  try {
    const mutating = mutateUntil(mutator, deadline, option('mutation-ms', 40), random);
    const loads = Array.from({ length: option('connections', 4) }, () =>
      loadUntil(server.origin, agent, verifier, deadline, maxRequests, random),
    );
    await Promise.all([mutating, ...loads]);
  } finally {
    rss.stop();
    agent.destroy();
    await stopServer(server);
    rmSync(root, { recursive: true, force: true });
  }
  const growth = rss.unboundedGrowth();
  if (growth) verifier.violation('rss-growth', growth);
  printReport(verifier, mutator, rss, server.stderrLines());
  return verifier.totalViolations === 0 ? 0 : 1;
}

/** Changes a fragment at random intervals around `meanMs` until the deadline. */
async function mutateUntil(
  mutator: Mutator,
  deadline: number,
  meanMs: number,
  random: () => number,
): Promise<void> {
  while (performance.now() < deadline) {
    await sleep(meanMs * 2 * random());
    mutator.mutate();
  }
}

/** One connection's loop: plain GETs and replays of earlier validators (If-None-Match or If-Modified-Since). */
async function loadUntil(
  origin: string,
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
      const response = await get(agent, origin, page, headers);
      verifier.check(page, response, Object.keys(headers).length > 0 ? replayed : undefined);
    } catch (err) {
      verifier.networkError(page, err);
      await sleep(50);
    }
  }
}

function printReport(verifier: Verifier, mutator: Mutator, rss: RssSampler, diagnostics: number): void {
  const out = (text: string): boolean => process.stdout.write(`${text}\n`);
  const { counts } = verifier;
  out(
    `requests ${counts.requests}: 200 ${counts.ok200} (${counts.unsettled200} unsettled, no-store), 304 ${counts.notModified304}, other ${counts.other}, network errors ${counts.networkErrors}; conditional ${counts.conditional}`,
  );
  out(
    `mutations: ${Object.entries(mutator.counts)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}; disk states ${mutator.history.size}`,
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
