// Starts the reference Apache in the foreground as a child process, waits for its port, and stops it by PID.
// Test tooling only (child_process is never used in src/).

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { apacheConfig, APACHE_BINARY, unprivilegedUser } from './apache-config';

/** How long Apache may take to answer on its port. */
const START_TIMEOUT_MS = 15000;
/**
 * Apache's whole environment, as a service manager would give it: PATH shows through to pages (printenv), and
 * npm's variables must not.
 */
const APACHE_ENVIRONMENT = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  TZ: 'UTC',
  LANG: 'C',
};
/** util-linux's setpriv, which can ask the kernel to signal Apache when its parent (jest) dies. */
const SETPRIV = '/usr/bin/setpriv';
/** Error-log levels that mean the configuration or the start went wrong. */
const BAD_START_LOG = /\[[a-z_]*:(emerg|alert|crit|error|warn)\]|Syntax error|AH00526/;

/** A running reference Apache. */
export interface ApacheServer {
  port: number;
  /** The error log: every SSI error Apache hit, and the directive it rejected on a config error. */
  errorLog: string;
  /** The error-log text written since the previous call (the lines one request produced). */
  takeErrorLogLines(): string;
  /** Stops Apache (SIGTERM to the PID in its pid file, else the child) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, found by binding port 0 and closing again. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Writes httpd.conf into `serverRoot` and starts Apache on it with TZ=UTC; rejects with the log on failure. */
export async function startApache(serverRoot: string, docroot: string): Promise<ApacheServer> {
  mkdirSync(join(serverRoot, 'run'), { recursive: true });
  const port = await freePort();
  const runAs = process.getuid?.() === 0 ? unprivilegedUser() : undefined;
  const configFile = join(serverRoot, 'httpd.conf');
  writeFileSync(configFile, apacheConfig({ serverRoot, docroot, port, runAs }));
  const errorLog = join(serverRoot, 'error.log');
  const [command, ...args] = withParentDeathSignal([APACHE_BINARY, '-f', configFile, '-DFOREGROUND']);
  const child = spawn(command, args, {
    // Its own process group: on SIGTERM Apache signals its whole group, which would otherwise include jest and npm.
    detached: true,
    env: APACHE_ENVIRONMENT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = (): Promise<void> => stopApache(child, join(serverRoot, 'apache2.pid'), exited);
  try {
    await waitForPort(port, child, () => output);
  } catch (err) {
    await stop();
    throw new Error(
      `${(err as Error).message}\n${output}${readLog(errorLog)}\nconfig: ${configFile}, error log: ${errorLog}`,
    );
  }
  const startLog = readLog(errorLog);
  if (BAD_START_LOG.test(startLog)) {
    await stop();
    throw new Error(
      `Apache logged problems while starting (config ${configFile}):\n${startLog}error log: ${errorLog}`,
    );
  }
  let offset = existsSync(errorLog) ? statSync(errorLog).size : 0;
  return {
    port,
    errorLog,
    takeErrorLogLines() {
      const bytes = existsSync(errorLog) ? readFileSync(errorLog) : Buffer.alloc(0);
      const lines = bytes.subarray(offset).toString('latin1');
      offset = bytes.length;
      return lines;
    },
    stop,
  };
}

/**
 * Prefixes `setpriv --pdeathsig TERM` when util-linux has it, so Apache (in its own process group, out of reach
 * of Ctrl-C) still stops when jest dies without running afterAll. Jest's sandboxed `process` gets no signals or
 * exit events, so this cannot be done from the test itself.
 */
function withParentDeathSignal(command: string[]): string[] {
  return existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'TERM', '--', ...command] : command;
}

async function stopApache(child: ChildProcess, pidFile: string, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : child.pid;
  try {
    if (pid) process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout' && child.pid) process.kill(child.pid, 'SIGKILL');
}

/** Resolves once a TCP connection to the port succeeds; rejects if Apache exits first or takes too long. */
async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Apache exited with code ${child.exitCode} while starting:`);
    if (await answers(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Apache did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms ${output()}`);
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'latin1') : '';
}
