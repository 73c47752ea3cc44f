// Runs `cdn-include serve` as a child process on a free loopback port, samples its resident memory, and stops
// it. A child, not an in-process server, so the RSS measured is the server's alone.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A running server. */
export interface ServerChild {
  origin: string;
  child: ChildProcess;
  /** Lines the server wrote to stderr (diagnostics), counted rather than kept. */
  stderrLines: () => number;
  /** The last 16 KiB the server wrote to stderr. */
  stderrTail: () => string;
}

/** The built CLI of the nearest repository above this file (run from the sources or the compiled copy). */
export function findCli(): string {
  for (let folder = __dirname; folder !== dirname(folder); folder = dirname(folder)) {
    const cli = join(folder, 'dist', 'cli', 'main.js');
    if (existsSync(join(folder, 'package.json')) && existsSync(cli)) return cli;
  }
  throw new Error('dist/cli/main.js not found: run `npm run build` first');
}

/**
 * Starts the CLI at `cli` serving `root`; resolves once it prints its address. `nodeArgs` go to node itself
 * (e.g. `--max-old-space-size=256`). The child gets `env`, by default this module's `process.env`: under jest that
 * is the test's own copy, so a state home set by the test setup (XDG_STATE_HOME) reaches the server, which it
 * would not through the real environment a child inherits by default.
 *
 * @example
 * const server = await startServer('dist/cli/main.js', '/tmp/site', []);
 */
export function startServer(
  cli: string,
  root: string,
  extraArgs: string[],
  nodeArgs: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerChild> {
  const args = [...nodeArgs, cli, 'serve', root, '--port', '0', '--host', '127.0.0.1', ...extraArgs];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderrLines = 0;
  let stderrTail = '';
  // Both streams are drained: the access log alone is one line per request, and a full pipe would stall the server.
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrLines += chunk.split('\n').length - 1;
    stderrTail = (stderrTail + chunk).slice(-16384);
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: string): void => {
      seen = (seen + chunk).slice(-4096);
      const match = /serving .* at (http:\/\/[^\s]+?)\/?\s/.exec(seen);
      if (!match) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ origin: match[1], child, stderrLines: () => stderrLines, stderrTail: () => stderrTail });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
  });
}

/** The child's resident set size in bytes (Linux /proc), or undefined where it cannot be read. */
export function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. */
export function stopServer(server: ServerChild, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
    server.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.child.kill('SIGTERM');
  });
}
