// Starts a reference server (Apache, nginx, varnishd) in the foreground as a child in its own process group, waits
// for its port, and stops it by PID. Test tooling only (child_process is never used in src/).

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** How long a server may take to answer on its port (Varnish compiles its VCL with cc first). */
const START_TIMEOUT_MS = 20000;
/** How long a server may take to exit after SIGTERM before it gets SIGKILL. */
const STOP_TIMEOUT_MS = 10000;
/** util-linux's setpriv, which asks the kernel to signal the server when its parent (jest) dies. */
const SETPRIV = '/usr/bin/setpriv';
/**
 * A server's whole environment, as a service manager would give it: PATH shows through to pages (printenv) and
 * must hold cc for Varnish; npm's variables must not leak in.
 */
const SERVER_ENVIRONMENT = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  TZ: 'UTC',
  LANG: 'C',
};

/** What to start: the command line, the pid file it writes, and logs to show when it fails. */
export interface ServerCommand {
  /** A name for messages, e.g. `nginx`. */
  name: string;
  command: string[];
  port: number;
  /** The address it listens on. @default '127.0.0.1' */
  host?: string;
  pidFile: string;
  /** Files whose text explains a failed start (error logs). */
  logFiles: string[];
}

/** A running server. */
export interface ServerProcess {
  port: number;
  /** Its stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM to the PID in its pid file (else the child) and waits for it to exit; SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** A free TCP port on `host`, found by binding port 0 and closing again. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `edge.command` and resolves once its port answers; rejects with its output and logs otherwise. */
export async function startServerProcess(edge: ServerCommand): Promise<ServerProcess> {
  const binary = edge.command[0];
  if (!existsSync(binary))
    throw new Error(`${edge.name}: ${binary} is missing (Debian: apt-get install ${edge.name})`);
  const [command, ...args] = withParentDeathSignal(edge.command);
  const child = spawn(command, args, {
    // Its own process group: Apache, for one, signals its whole group on SIGTERM, which must not reach jest or npm.
    detached: true,
    env: SERVER_ENVIRONMENT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = (): Promise<void> => stopServer(child, edge.pidFile, exited);
  try {
    await waitForPort(edge, child);
  } catch (err) {
    await stop();
    const logs = edge.logFiles.map((file) => `${file}:\n${readLog(file)}`).join('\n');
    throw new Error(`${(err as Error).message}\n${output}\n${logs}`, { cause: err });
  }
  return { port: edge.port, output: () => output, stop };
}

/**
 * Prefixes `setpriv --pdeathsig TERM` when util-linux has it, so the server (in its own process group, out of reach
 * of Ctrl-C) still stops when jest dies without running afterAll; jest's sandboxed `process` gets no signals.
 */
function withParentDeathSignal(command: string[]): string[] {
  return existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'TERM', '--', ...command] : command;
}

async function stopServer(child: ChildProcess, pidFile: string, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const fromFile = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
  const pid = Number.isInteger(fromFile) && fromFile > 0 ? fromFile : child.pid;
  try {
    if (pid) process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS).unref(),
  );
  if ((await Promise.race([exited, timeout])) === 'timeout' && child.pid) process.kill(child.pid, 'SIGKILL');
}

async function waitForPort(edge: ServerCommand, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${edge.name} exited with code ${child.exitCode} while starting:`);
    if (await answers(edge.port, edge.host ?? '127.0.0.1')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${edge.name} did not answer on ${edge.host ?? '127.0.0.1'}:${edge.port} within ${START_TIMEOUT_MS} ms:`,
  );
}

function answers(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'latin1') : '(none)';
}
