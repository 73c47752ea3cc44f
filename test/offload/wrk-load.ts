// Real load for the offload runs: wrk (Debian's wrk 4) at a paced rate — each connection waits `delayMs` between
// its requests (wrk's Lua `delay()` hook) — each request naming itself in its query (`?r=<thread>-<n>`), so the
// origin's log can be matched with what wrk sent and what it got back. Test tooling only.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs wrk. */
export const WRK_BINARY = '/usr/bin/wrk';

/** One wrk run. */
export interface WrkRun {
  /** The origin's port on 127.0.0.1. */
  port: number;
  /** The path requested, without query. */
  path: string;
  /** Open connections (one thread drives them all). */
  connections: number;
  /** Milliseconds each connection waits before its next request. */
  delayMs: number;
  seconds: number;
  /** Request fields besides wrk's own; User-Agent names the run in the origin's log. */
  headers: Record<string, string>;
}

/** What wrk sent and received: requests written, responses read, and the statuses of the responses. */
export interface WrkResult {
  sent: number;
  completed: number;
  statuses: Record<string, number>;
}

/** Runs wrk and resolves with its counts; rejects (wrk killed by PID) if it outlives its duration by 10 s. */
export async function runWrk(run: WrkRun): Promise<WrkResult> {
  if (!existsSync(WRK_BINARY)) throw new Error(`${WRK_BINARY} is missing (Debian: apt-get install wrk)`);
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-wrk-'));
  const script = join(folder, 'paced.lua');
  writeFileSync(script, luaScript(run));
  const args = ['-t1', `-c${run.connections}`, `-d${run.seconds}s`, '--timeout', '5s', '-s', script];
  const child = spawn(WRK_BINARY, [...args, `http://127.0.0.1:${run.port}${run.path}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const limit = setTimeout(() => child.kill('SIGKILL'), (run.seconds + 10) * 1000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    const line = /^WRK-RESULT (.*)$/m.exec(output);
    if (code !== 0 || !line) throw new Error(`wrk exited with ${code}:\n${output}`);
    return JSON.parse(line[1]) as WrkResult;
  } finally {
    clearTimeout(limit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The Lua script of `run`: paced requests numbered per thread, responses counted by status. */
function luaScript(run: WrkRun): string {
  const headers = Object.entries(run.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  return `-- cdn-include test:offload — paced load, each request numbered
${headers}
local threads = {}
sent, completed, statuses = 0, 0, {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function delay()
  return ${Math.round(run.delayMs)}
end

function request()
  sent = sent + 1
  return wrk.format(nil, ${luaString(run.path)} .. "?r=" .. id .. "-" .. sent)
end

function response(status, headers, body)
  completed = completed + 1
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total_sent, total_completed, by_status = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_completed = total_completed + thread:get("completed")
    for status, count in pairs(thread:get("statuses")) do
      by_status[#by_status + 1] = string.format('"%d": %d', status, count)
    end
  end
  io.write(string.format('WRK-RESULT {"sent": %d, "completed": %d, "statuses": {%s}}\\n',
    total_sent, total_completed, table.concat(by_status, ", ")))
end
`;
}

/** A Lua string literal of `text` (printable ASCII expected; quotes and backslashes escaped). */
function luaString(text: string): string {
  return `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
