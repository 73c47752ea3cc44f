// `npm run bench`: generates the site, starts every server on 127.0.0.1 with configs written to a temp folder,
// loads each row with wrk in alternating rounds, prints the tables and (full runs) writes bench/RESULTS.md.
// The only place in bench/ that touches argv, the console and exit codes. Stops every server it started.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findLoadTool, type LoadTool } from './load-tool';
import { prepareScenario, type PreparedScenario } from './preflight';
import { writeResults } from './results-file';
import { groupCpuSeconds } from './process-cpu';
import { plannedSeconds, runRounds, type RoundPlan } from './rounds';
import { buildScenarios, type RequestKind, type Scenario } from './scenarios';
import { signalStopNow, startServer, stopServer, type RunningServer } from './server-process';
import { startBenchServers } from './bench-servers';
import { BENCH_PAGES, writeBenchSite } from './sites';
import { judgedTable } from './markdown-table';
import {
  plannedRandomSeconds,
  runRandomAccess,
  type RandomAccessPlan,
  type RandomAccessResult,
} from './random-access';
import { memoryLines, randomAccessTable, randomAccessVerdicts } from './random-access-report';
import { resultsTable } from './table';
import { cpuRateTable, cpuRatios, judgeTargets, rateTable, sameFieldsRatios } from './targets';
import { nodeRuntime } from './runtime';
import { collectVersions } from './versions';
import { CDN_INCLUDE_MAIN, detectServeFeatures } from './servers/cdn-include';
import { wrkCommandLine } from './wrk';

const HELP = `Usage: npm run bench -- [--quick] [--keep] [--note TEXT] [--write-results]

  --quick           one round of 2 s per row and a 10,000-page random-access row (a smoke check);
                    does not write bench/RESULTS.md
  --write-results   write bench/RESULTS.md even after --quick
  --keep            keep the temp folder (configs, logs, site) after the run
  --note TEXT       a remark written into bench/RESULTS.md (e.g. that the machine was shared)
`;

// The warm-up is long enough for a JIT-compiled server to reach its steady speed before its first round: a fresh
// `serve --no-cache` answered 1,177-1,419 req/s in its first second of load and 4,000-6,000 from about the fifth.
const FULL_PLAN: RoundPlan = { rounds: 3, seconds: 4, warmupSeconds: 5, connections: 32 };
const QUICK_PLAN: RoundPlan = { rounds: 1, seconds: 2, warmupSeconds: 1, connections: 32 };
const FULL_RANDOM: RandomAccessPlan = { pages: 100_000, rounds: 2, seconds: 10, connections: 32 };
const QUICK_RANDOM: RandomAccessPlan = { pages: 10_000, rounds: 1, seconds: 3, connections: 32 };
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

/** Checks every row once against its server (a row whose server did not start is marked). */
async function prepareRows(
  scenarios: readonly Scenario[],
  ports: ReadonlyMap<string, number>,
  siteRoot: string,
): Promise<PreparedScenario[]> {
  const prepared: PreparedScenario[] = [];
  for (const scenario of scenarios) {
    const port = ports.get(scenario.server);
    const expectedBytes = fs.statSync(path.join(siteRoot, scenario.page.staticPath)).size;
    prepared.push(
      port === undefined
        ? {
            ...scenario,
            url: '',
            headers: {},
            unavailable: scenario.unavailable ?? 'n/a (server did not start)',
          }
        : await prepareScenario(scenario, port, expectedBytes),
    );
  }
  return prepared;
}

/** The random-access row, or why it has no figures (it needs wrk's scripts; a failure ends only this row). */
async function randomAccess(
  toolName: string,
  workDir: string,
  plan: RandomAccessPlan,
  running: RunningServer[],
  print: (line: string) => void,
): Promise<RandomAccessResult | string> {
  if (toolName !== 'wrk')
    return 'n/a (the random-access row needs wrk: autocannon has no per-request script)';
  try {
    return await runRandomAccess(workDir, plan, startServer, running, print);
  } catch (err) {
    return `n/a (the random-access row failed: ${(err as Error).message.split('\n')[0]})`;
  }
}

/** What the command line asked for. */
interface RunOptions {
  quick: boolean;
  writeResults: boolean;
  note: string | undefined;
}

async function run(options: RunOptions, workDir: string, running: RunningServer[]): Promise<number> {
  const tool = findLoadTool();
  if (tool === undefined) {
    process.stderr.write('bench: neither wrk nor autocannon is installed\n');
    return 1;
  }
  const print = (line: string): boolean => process.stdout.write(`${line}\n`);
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const randomPlan = options.quick ? QUICK_RANDOM : FULL_RANDOM;
  const rowCount = buildScenarios({ cdnInclude2w: true, cdnIncludeCold: true }).length;
  const expected = plannedSeconds(rowCount, plan) + plannedRandomSeconds(randomPlan) + 60;
  print(
    `bench: expected duration about ${Math.ceil(expected / 60)} min (${rowCount} rows, then random access)`,
  );
  print(`bench: Node ${nodeRuntime()}`);
  const siteRoot = prepareSite(workDir);
  const features = detectServeFeatures();
  const servers = await startBenchServers(
    { workDir, siteRoot, runUser: 'www-data' },
    features,
    startServer,
    running,
    print,
  );
  const scenarios = buildScenarios({
    cdnInclude2w: servers.ports.has('cdn-2w'),
    cdnIncludeCold: servers.ports.has('cdn-cold'),
  });
  const prepared = await prepareRows(scenarios, servers.ports, siteRoot);
  const loadAverage = os.loadavg();
  const results = await runRounds(prepared, tool, plan, print, (scenario) => {
    const group = servers.groups.get(scenario.server);
    return group === undefined ? undefined : groupCpuSeconds(group);
  });
  // The fixed-page servers are done: stop them so the random-access row has the machine to itself.
  await Promise.all(running.splice(0).map((server) => stopServer(server)));
  const random = await randomAccess(tool.name, workDir, randomPlan, running, print);
  const rates = rateTable(results);
  const coldRow: [string, RequestKind] | undefined = servers.ports.has('cdn-cold')
    ? ['cdn-include 1w cache off', 'cold 200']
    : undefined;
  const table = resultsTable(results, rates);
  const randomText =
    typeof random === 'string'
      ? random
      : [randomAccessTable(random), '', ...memoryLines(random), ...random.notes].join('\n');
  const targets = judgedTable([
    ...judgeTargets(rates, coldRow),
    ...cpuRatios(cpuRateTable(results), coldRow),
    ...sameFieldsRatios(rates),
    ...(typeof random === 'string' ? [] : randomAccessVerdicts(random)),
  ]);
  print(`\n${table}\n\n${servers.notes.map((line) => `${line}\n`).join('')}`);
  print(`== Random access\n${randomText}\n\n== Targets\n${targets}`);
  if (options.quick && !options.writeResults) return 0;
  recordResults({
    options,
    plan,
    randomPlan,
    prepared,
    servers,
    random,
    table,
    randomText,
    targets,
    loadAverage,
    tool,
  });
  print(`\nwrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
  return 0;
}

/** What a run hands to the results file. */
interface RunRecord {
  options: RunOptions;
  plan: RoundPlan;
  randomPlan: RandomAccessPlan;
  prepared: readonly PreparedScenario[];
  servers: { commands: string[]; notes: string[] };
  random: RandomAccessResult | string;
  table: string;
  randomText: string;
  targets: string;
  loadAverage: number[];
  tool: LoadTool;
}

/** Writes the HTTP section of bench/RESULTS.md. */
function recordResults(run: RunRecord): void {
  const { options, plan, randomPlan, prepared, servers, random, tool } = run;
  const sample = prepared.find((row) => row.unavailable === undefined && Object.keys(row.headers).length > 0);
  writeResults(RESULTS_FILE, {
    date: new Date(),
    benchCommand: benchCommandLine(options),
    note: options.note,
    loadAverage: run.loadAverage,
    versions: collectVersions(tool.version),
    serverCommands: [...servers.commands, ...(typeof random === 'string' ? [] : random.commands)],
    loadCommands: [
      ...(sample ? [wrkCommandLine({ ...plan, url: sample.url, headers: sample.headers })] : []),
      ...(typeof random === 'string' ? [] : [random.loadCommand]),
    ],
    plan:
      `${plan.rounds} alternating rounds × ${plan.seconds} s per row (after a ${plan.warmupSeconds} s warm-up), ${plan.connections} connections, 1 wrk thread; median per row. ` +
      `Random access: ${randomPlan.pages} pages, ${randomPlan.rounds} alternating rounds × ${randomPlan.seconds} s per server, no warm-up, seed = round number`,
    results: `${run.table}\n\n${servers.notes.join('\n')}`,
    randomAccess: run.randomText,
    targets: run.targets,
  });
}

/** The command line that produced the results, for RESULTS.md (the note itself is printed apart). */
function benchCommandLine(options: RunOptions): string {
  const flags = [options.quick ? '--quick' : '', options.note ? "--note '…'" : ''].filter(Boolean);
  return flags.length === 0 ? 'npm run bench' : `npm run bench -- ${flags.join(' ')}`;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs({
      options: {
        quick: { type: 'boolean' },
        keep: { type: 'boolean' },
        note: { type: 'string' },
        'write-results': { type: 'boolean' },
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
    code = await run(
      {
        quick: options.quick === true,
        writeResults: options['write-results'] === true,
        note: options.note,
      },
      workDir,
      running,
    );
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
