// Starts one benchmark server as a child process in its own process group, waits until its port accepts
// connections, and stops it by its process id. Only ever signals processes it started itself.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** How to start one server. */
export interface ServerCommand {
  /** Label used in messages. */
  name: string;
  /** Executable and its arguments. */
  command: string;
  args: string[];
  /** Port on 127.0.0.1 the server listens on once ready. */
  port: number;
  /** File that receives the process's stderr, and its stdout unless discarded. */
  logFile: string;
  /** Send stdout to /dev/null (a per-request access log would fill the temp folder). @default false */
  discardStdout?: boolean;
}

/** A started server. */
export interface RunningServer {
  name: string;
  port: number;
  pid: number;
  child: ChildProcess;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** Asks the kernel for a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns the server detached (its own process group, so a master's workers are stopped with it) and resolves
 * once its port accepts a connection; rejects with the tail of its log when it exits or times out first.
 */
export async function startServer(spec: ServerCommand): Promise<RunningServer> {
  const log = fs.openSync(spec.logFile, 'a');
  const stdout = spec.discardStdout === true ? fs.openSync('/dev/null', 'w') : log;
  const child = spawn(spec.command, spec.args, { detached: true, stdio: ['ignore', stdout, log] });
  fs.closeSync(log);
  if (stdout !== log) fs.closeSync(stdout);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const running = { name: spec.name, port: spec.port, pid: child.pid ?? -1, child };
  for (const started = Date.now(); Date.now() - started < READY_TIMEOUT_MS; await sleep(100)) {
    if (gone || running.pid < 0) break;
    if (await canConnect(spec.port)) return running;
  }
  await stopServer(running);
  const tail = fs.readFileSync(spec.logFile, 'utf8').split('\n').slice(-6).join('\n');
  throw new Error(`${spec.name} did not start on port ${spec.port}:\n${tail}`);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the server's process group, SIGKILL if it has not exited after a few seconds. */
export async function stopServer(server: RunningServer): Promise<void> {
  if (server.pid < 0 || server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  signalGroup(server.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(server.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Asks a server's process group to stop without waiting, for the SIGINT path where no await is possible. */
export function signalStopNow(server: RunningServer): void {
  if (server.pid > 0) signalGroup(server.pid, 'SIGTERM');
}
