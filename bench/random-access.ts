// The random-access row: cdn-include 1w (default settings) and nginx ssi 1w on a site of many distinct pages,
// loaded by wrk with a seeded script choosing a random page per request, so most requests miss the render cache.
// Samples serve's RSS during and after the load. Starts its own two servers (added to `running`, stopped by the
// caller) in a folder of its own.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { median } from './median';
import { RssSampler, processGroupRss } from './process-memory';
import { randomAccessScript, randomPagePath, writeRandomSite } from './random-site';
import { freePort, type RunningServer, type ServerCommand } from './server-process';
import { HEAP_FLAGS } from './memory-budget';
import { cdnIncludeServer } from './servers/cdn-include';
import { nginxServer } from './servers/nginx';
import type { ServerSetup } from './servers/server-setup';
import { runWrk, wrkCommandLine, type LoadResult } from './wrk';

/** How big and how long the random-access row is. */
export interface RandomAccessPlan {
  pages: number;
  rounds: number;
  seconds: number;
  connections: number;
}

/** The measurements of one server. */
export interface RandomServerResult {
  label: string;
  runs: LoadResult[];
  /** Why there are no runs. */
  missing?: string;
}

/** What the row measured. */
export interface RandomAccessResult {
  pages: number;
  servers: RandomServerResult[];
  /** cdn-include's RSS (MiB): after start-up and the preflight, highest during the load, highest after it. */
  freshMiB?: number;
  duringMiB?: number;
  afterMiB?: number;
  commands: string[];
  loadCommand: string;
  /** Remarks for the reader (bodies that differ between servers, a server that did not start). */
  notes: string[];
}

const MIB = 1024 * 1024;
/** How long RSS is sampled after the load ends. */
export const SAMPLE_AFTER_MS = 2000;
const CDN = 'cdn-include 1w';
const NGINX = 'nginx ssi 1w';

function get(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
  });
}

/** A few pages from each server: 200, no SSI error text, the same bytes from both. Returns problems found. */
async function preflight(ports: Map<string, number>, pages: number): Promise<string[]> {
  const problems: string[] = [];
  for (const index of [0, Math.floor(pages / 2), pages - 1]) {
    const bodies: Buffer[] = [];
    for (const [label, port] of ports) {
      const reply = await get(`http://127.0.0.1:${port}${randomPagePath(index)}`);
      if (reply.status !== 200) problems.push(`${label}: ${randomPagePath(index)} answered ${reply.status}`);
      else if (reply.body.includes('an error occurred while processing'))
        problems.push(`${label}: SSI error text in ${randomPagePath(index)}`);
      bodies.push(reply.body);
    }
    if (bodies.length === 2 && !bodies[0]?.equals(bodies[1] as Buffer))
      problems.push(`${randomPagePath(index)}: the two servers sent different bytes`);
  }
  return problems;
}

async function startOne(
  command: ServerCommand,
  start: (command: ServerCommand) => Promise<RunningServer>,
  running: RunningServer[],
  result: RandomAccessResult,
): Promise<RunningServer | undefined> {
  try {
    const server = await start(command);
    running.push(server);
    result.commands.push([command.command, ...command.args].join(' '));
    return server;
  } catch (err) {
    result.notes.push(`${command.name}: did not start (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

/**
 * Writes the site under `workDir/random`, starts the two servers, checks them, then loads each in alternating
 * rounds (round r uses seed r + 1 for both) while sampling cdn-include's RSS.
 */
export async function runRandomAccess(
  workDir: string,
  plan: RandomAccessPlan,
  start: (command: ServerCommand) => Promise<RunningServer>,
  running: RunningServer[],
  progress: (line: string) => void,
): Promise<RandomAccessResult> {
  const folder = path.join(workDir, 'random');
  const setup: ServerSetup = { workDir: folder, siteRoot: path.join(folder, 'site'), runUser: 'www-data' };
  fs.mkdirSync(setup.siteRoot, { recursive: true, mode: 0o755 });
  progress(`random access: writing ${plan.pages} pages`);
  writeRandomSite(setup.siteRoot, plan.pages);
  const result: RandomAccessResult = {
    pages: plan.pages,
    servers: [
      { label: CDN, runs: [] },
      { label: NGINX, runs: [] },
    ],
    commands: [],
    loadCommand: '',
    notes: [],
  };
  // The validator ledger's folder is kept in the run's temp folder instead of the user's state folder.
  const state = ['--state', path.join(folder, 'state')];
  // Run as the README's memory model says to pair the caches with a heap limit, so its RSS bound applies.
  const heapLimit = HEAP_FLAGS;
  const cdn = await startOne(
    cdnIncludeServer(setup, await freePort(), 1, CDN, state, heapLimit),
    start,
    running,
    result,
  );
  const nginx = await startOne(nginxServer(setup, await freePort(), 1), start, running, result);
  const ports = new Map<string, number>();
  if (cdn) ports.set(CDN, cdn.port);
  if (nginx) ports.set(NGINX, nginx.port);
  const problems = await preflight(ports, plan.pages);
  result.notes.push(...problems);
  if (!cdn) return missingAll(result, 'cdn-include did not start');
  result.freshMiB = processGroupRss(cdn.pid) / MIB;
  const sampler = new RssSampler(cdn.pid);
  await loadRounds(plan, folder, ports, result, progress);
  result.duringMiB = sampler.stop() / MIB;
  const after = new RssSampler(cdn.pid);
  await new Promise((resolve) => setTimeout(resolve, SAMPLE_AFTER_MS));
  result.afterMiB = after.stop() / MIB;
  return result;
}

async function loadRounds(
  plan: RandomAccessPlan,
  folder: string,
  ports: Map<string, number>,
  result: RandomAccessResult,
  progress: (line: string) => void,
): Promise<void> {
  for (const server of result.servers) {
    if (!ports.has(server.label)) server.missing = 'did not start';
  }
  for (let round = 0; round < plan.rounds; round++) {
    const script = path.join(folder, `random-${round + 1}.lua`);
    fs.writeFileSync(script, randomAccessScript(plan.pages, round + 1));
    const order = round % 2 === 0 ? result.servers : [...result.servers].reverse();
    for (const server of order) {
      const port = ports.get(server.label);
      if (port === undefined || server.missing !== undefined) continue;
      const options = {
        url: `http://127.0.0.1:${port}/`,
        headers: {},
        seconds: plan.seconds,
        connections: plan.connections,
        script,
      };
      result.loadCommand = wrkCommandLine(options);
      try {
        const run = await runWrk(options);
        server.runs.push(run);
        progress(
          `random access round ${round + 1}/${plan.rounds} ${server.label}: ${Math.round(run.requestsPerSecond)} req/s, ` +
            `p99 ${run.p99Ms.toFixed(2)} ms${run.errors > 0 ? `, ${run.errors} errors` : ''}`,
        );
      } catch (err) {
        server.missing = `failed (${(err as Error).message.split('\n')[0]})`;
        server.runs = [];
      }
    }
  }
}

function missingAll(result: RandomAccessResult, why: string): RandomAccessResult {
  for (const server of result.servers) server.missing ??= why;
  return result;
}

/** Median req/s of a server's runs, undefined without runs. */
export function medianRate(server: RandomServerResult): number | undefined {
  return server.runs.length === 0 ? undefined : median(server.runs.map((run) => run.requestsPerSecond));
}

/** Seconds the random-access row takes: writing the site (about 2 s per 10,000 pages here), starts, the loads. */
export function plannedRandomSeconds(plan: RandomAccessPlan): number {
  return (plan.pages / 10_000) * 2 + 10 + plan.rounds * 2 * (plan.seconds + 1) + SAMPLE_AFTER_MS / 1000;
}
