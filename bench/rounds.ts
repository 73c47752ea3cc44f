// Runs every row in rounds, alternating between servers (each round visits every row once, odd rounds in
// reverse order), so slow drifts of a shared machine hit every server alike; summarizes a row by its median.

import { median } from './median';
import type { PreparedScenario } from './preflight';
import type { LoadTool } from './load-tool';
import type { LoadResult } from './wrk';

/** How long and how often each row is loaded. */
export interface RoundPlan {
  rounds: number;
  /** Seconds of each measured run (≤ 10). */
  seconds: number;
  /** Seconds of the unmeasured run before a row's first measured run (JIT, caches, keep-alive). */
  warmupSeconds: number;
  connections: number;
}

/** The measurements of one row. */
export interface RowResult {
  scenario: PreparedScenario;
  runs: LoadResult[];
  /** Microseconds of the server's CPU per request served, per run (none where it cannot be read). */
  cpuMicrosPerRequest: number[];
  /** Why the row has no numbers: unavailable in this run, or the load generator failed. */
  missing?: string;
}

/** A row's numbers over its runs. */
export interface RowSummary {
  /** Median req/s over the rounds. */
  requestsPerSecond: number;
  /** Lowest and highest req/s of a round. */
  lowest: number;
  highest: number;
  /** Median p99 latency, ms. */
  p99Ms: number;
  errors: number;
  /** Median µs of server CPU per request; undefined where it was not read. */
  cpuMicrosPerRequest: number | undefined;
  /**
   * The least µs of server CPU per request of a round: on this VM the host's load only ever adds to it (time the
   * virtual CPU was held back is counted as the process's), so the least is the round it disturbed least.
   */
  leastCpuMicrosPerRequest: number | undefined;
}

/** Median req/s and p99, the spread, and the errors of a row; undefined without runs. */
export function summarize(result: RowResult): RowSummary | undefined {
  if (result.runs.length === 0) return undefined;
  const rates = result.runs.map((run) => run.requestsPerSecond);
  const cpu = result.cpuMicrosPerRequest;
  return {
    requestsPerSecond: median(rates),
    lowest: Math.min(...rates),
    highest: Math.max(...rates),
    p99Ms: median(result.runs.map((run) => run.p99Ms)),
    errors: result.runs.reduce((sum, run) => sum + run.errors, 0),
    cpuMicrosPerRequest: cpu.length > 0 ? median(cpu) : undefined,
    leastCpuMicrosPerRequest: cpu.length > 0 ? Math.min(...cpu) : undefined,
  };
}

/** Seconds of CPU the server of a row has used so far (see process-cpu.ts); undefined when unknown. */
export type ServerCpu = (scenario: PreparedScenario) => number | undefined;

/**
 * Loads every available row `plan.rounds` times; `progress` receives one line per run. With `serverCpu`, each run
 * also measures the server's CPU per request.
 */
export async function runRounds(
  rows: readonly PreparedScenario[],
  tool: LoadTool,
  plan: RoundPlan,
  progress: (line: string) => void,
  serverCpu: ServerCpu = () => undefined,
): Promise<RowResult[]> {
  const results: RowResult[] = rows.map((scenario) => ({
    scenario,
    runs: [],
    cpuMicrosPerRequest: [],
    missing: scenario.unavailable,
  }));
  for (let round = 0; round < plan.rounds; round++) {
    const order = round % 2 === 0 ? results : [...results].reverse();
    for (const result of order) {
      if (result.missing !== undefined) continue;
      const { url, headers } = result.scenario;
      try {
        if (round === 0 && plan.warmupSeconds > 0) {
          await tool.run({ url, headers, seconds: plan.warmupSeconds, connections: plan.connections });
        }
        const cpuBefore = serverCpu(result.scenario);
        const run = await tool.run({ url, headers, seconds: plan.seconds, connections: plan.connections });
        const cpu = cpuPerRequest(cpuBefore, serverCpu(result.scenario), run, plan.seconds);
        result.runs.push(run);
        if (cpu !== undefined) result.cpuMicrosPerRequest.push(cpu);
        progress(
          `round ${round + 1}/${plan.rounds} ${result.scenario.serverLabel} ${result.scenario.kind} ${result.scenario.page.name}: ` +
            `${Math.round(run.requestsPerSecond)} req/s, p99 ${run.p99Ms.toFixed(2)} ms` +
            (cpu === undefined ? '' : `, ${cpu.toFixed(1)} µs CPU/request`),
        );
      } catch (err) {
        result.missing = `failed (${(err as Error).message.split('\n')[0]})`;
        result.runs = [];
        result.cpuMicrosPerRequest = [];
      }
    }
  }
  return results;
}

/** Seconds `rows` rows take under `plan`: every round's runs and the warm-ups. */
export function plannedSeconds(rows: number, plan: RoundPlan): number {
  return rows * (plan.rounds * plan.seconds + plan.warmupSeconds);
}

/** µs of CPU per request of a run from the server's CPU seconds before and after it. */
export function cpuPerRequest(
  before: number | undefined,
  after: number | undefined,
  run: LoadResult,
  seconds: number,
): number | undefined {
  const requests = run.requestsPerSecond * seconds;
  if (before === undefined || after === undefined || requests <= 0) return undefined;
  return ((after - before) * 1e6) / requests;
}
