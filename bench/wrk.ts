// Runs wrk (-t1, --latency) against one URL for a bounded time and parses its report: req/s and p99.

import { execFile } from 'node:child_process';

/** One bounded load run. */
export interface LoadOptions {
  url: string;
  /** Request headers added to every request. */
  headers: Readonly<Record<string, string>>;
  /** Duration; the bench keeps it ≤ 10 s. */
  seconds: number;
  /** Open connections. */
  connections: number;
  /** A wrk Lua script choosing each request (wrk only; the URL then gives the server). @default none */
  script?: string;
}

/** What one load run measured. */
export interface LoadResult {
  requestsPerSecond: number;
  /** 99th percentile latency in milliseconds. */
  p99Ms: number;
  /** Socket errors (connect, read, write, timeout) plus responses that were neither 2xx nor 3xx. */
  errors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`wrk: unreadable duration '${text}'`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] ?? NaN);
}

/** Parses wrk 4.x output produced with --latency. */
export function parseWrkOutput(output: string): LoadResult {
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p99 = /^\s*99%\s+(\S+)/m.exec(output);
  if (!rate || !p99) throw new Error(`wrk: no Requests/sec or 99% line in:\n${output}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, count) => sum + Number(count), 0) : 0;
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requestsPerSecond: Number(rate[1]),
    p99Ms: durationMs(p99[1] as string),
    errors: socketErrors + (bad ? Number(bad[1]) : 0),
  };
}

/** Runs `wrk -t1 -cN -dS --latency` with the headers; one thread, so wrk itself takes at most one core. */
export function runWrk(options: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '5s', '--latency'];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`);
  if (options.script !== undefined) args.push('-s', options.script);
  args.push(options.url);
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (options.seconds + 15) * 1000 }, (err, stdout) => {
      if (err) reject(new Error(`wrk failed: ${err.message}`));
      else resolve(parseWrkOutput(stdout));
    });
  });
}

/** The command line of a run, for the results file. */
export function wrkCommandLine(options: LoadOptions): string {
  const headers = Object.entries(options.headers).map(([name, value]) => ` -H '${name}: ${value}'`);
  const script = options.script === undefined ? '' : ` -s ${options.script}`;
  return `wrk -t1 -c${options.connections} -d${options.seconds}s --timeout 5s --latency${headers.join('')}${script} ${options.url}`;
}
