// `npm run bench`: generates the site, starts every server on 127.0.0.1 with configs written to a temp folder,
// loads each row with wrk in alternating rounds, prints the tables and (full runs) writes bench/RESULTS.md.
// The only place in bench/ that touches argv, the console and exit codes. Stops every server it started.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findLoadTool } from './load-tool';
import { prepareScenario, type PreparedScenario } from './preflight';
import { writeResults } from './results-file';
import { runRounds, type RoundPlan } from './rounds';
import { buildScenarios, type RequestKind } from './scenarios';
import { signalStopNow, startServer, stopServer, type RunningServer } from './server-process';
import { startBenchServers } from './bench-servers';
import { BENCH_PAGES, writeBenchSite } from './sites';
import { resultsTable, targetsTable } from './table';
import { judgeTargets, rateTable } from './targets';
import { collectVersions } from './versions';
import { CDN_INCLUDE_MAIN, detectServeFeatures } from './servers/cdn-include';
import { wrkCommandLine } from './wrk';

const HELP = `Usage: npm run bench -- [--quick] [--keep] [--note TEXT]

  --quick       one round of 2 s per row (a smoke check); does not write bench/RESULTS.md
  --keep        keep the temp folder (configs, logs, site) after the run
  --note TEXT   a remark written into bench/RESULTS.md (e.g. that the machine was shared)
`;

const FULL_PLAN: RoundPlan = { rounds: 3, seconds: 4, warmupSeconds: 1, connections: 32 };
const QUICK_PLAN: RoundPlan = { rounds: 1, seconds: 2, warmupSeconds: 1, connections: 32 };
const RESULTS_FILE = path.resolve('bench', 'RESULTS.md');

/** Writes the SSI site, then cdn-include's own build of it as the pre-rendered copies under static/. */
function prepareSite(workDir: string): string {
  const siteRoot = path.join(workDir, 'site');
  writeBenchSite(siteRoot);
  const rendered = path.join(workDir, 'rendered');
  execFileSync(process.execPath, [CDN_INCLUDE_MAIN, 'build', siteRoot, '--out', rendered], {
    stdio: 'ignore',
  });
  fs.mkdirSync(path.join(siteRoot, 'static'), { mode: 0o755 });
  for (const page of BENCH_PAGES) {
    fs.copyFileSync(path.join(rendered, page.ssiPath), path.join(siteRoot, page.staticPath));
    fs.chmodSync(path.join(siteRoot, page.staticPath), 0o644);
  }
  return siteRoot;
}

async function run(
  quick: boolean,
  note: string | undefined,
  workDir: string,
  running: RunningServer[],
): Promise<number> {
  const tool = findLoadTool();
  if (tool === undefined) {
    process.stderr.write('bench: neither wrk nor autocannon is installed\n');
    return 1;
  }
  const siteRoot = prepareSite(workDir);
  const features = detectServeFeatures();
  const servers = await startBenchServers(
    { workDir, siteRoot, runUser: 'www-data' },
    features,
    startServer,
    running,
    (line) => process.stdout.write(`${line}\n`),
  );
  const scenarios = buildScenarios({
    cdnInclude2w: servers.ports.has('cdn-2w'),
    cdnIncludeCold: servers.ports.has('cdn-cold'),
  });
  const prepared: PreparedScenario[] = [];
  for (const scenario of scenarios) {
    const port = servers.ports.get(scenario.server);
    const expected = fs.statSync(path.join(siteRoot, scenario.page.staticPath)).size;
    prepared.push(
      port === undefined
        ? {
            ...scenario,
            url: '',
            headers: {},
            unavailable: scenario.unavailable ?? 'n/a (server did not start)',
          }
        : await prepareScenario(scenario, port, expected),
    );
  }
  const plan = quick ? QUICK_PLAN : FULL_PLAN;
  const loadAverage = os.loadavg();
  const results = await runRounds(prepared, tool, plan, (line) => process.stdout.write(`${line}\n`));
  const rates = rateTable(results);
  const coldRow: [string, RequestKind] | undefined = servers.ports.has('cdn-cold')
    ? ['cdn-include 1w cache off', 'cold 200']
    : undefined;
  const table = resultsTable(results, rates);
  const targets = targetsTable(judgeTargets(rates, coldRow));
  process.stdout.write(`\n${table}\n\n${servers.notes.map((line) => `${line}\n`).join('')}\n${targets}\n`);
  if (quick) return 0;
  const sample = prepared.find((row) => row.unavailable === undefined && Object.keys(row.headers).length > 0);
  writeResults(RESULTS_FILE, {
    date: new Date(),
    benchCommand: `npm run bench${note ? ` -- --note '…'` : ''}`,
    note,
    loadAverage,
    versions: collectVersions(tool.version),
    serverCommands: servers.commands,
    loadCommand: sample ? wrkCommandLine({ ...plan, url: sample.url, headers: sample.headers }) : '',
    plan: `${plan.rounds} alternating rounds × ${plan.seconds} s per row (after a ${plan.warmupSeconds} s warm-up), ${plan.connections} connections, 1 wrk thread; median per row`,
    results: `${table}\n\n${servers.notes.join('\n')}`,
    targets,
  });
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
  return 0;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs({
      options: {
        quick: { type: 'boolean' },
        keep: { type: 'boolean' },
        note: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${HELP}`);
    process.exit(2);
  }
  if (options.help === true) return void process.stdout.write(HELP);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-include-bench-'));
  // Servers drop privileges to www-data: the folder must be readable by others.
  fs.chmodSync(workDir, 0o755);
  const running: RunningServer[] = [];
  const onSignal = (): void => {
    for (const server of running) signalStopNow(server);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let code = 1;
  try {
    code = await run(options.quick === true, options.note, workDir, running);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
  } finally {
    await Promise.all(running.map((server) => stopServer(server)));
    if (options.keep === true) process.stdout.write(`kept ${workDir}\n`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
  process.exitCode = code;
}

void main();
