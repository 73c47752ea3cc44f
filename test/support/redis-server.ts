// Test helper: a real redis-server (Debian's package) on 127.0.0.1 and a free port, no persistence, started in the
// foreground and stopped by PID; it can be killed (SIGKILL) and started again on the same port.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServerProcess, type ServerProcess } from './server-process';

/** Where Debian installs it; CI installs the package (`.ci/run`). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** A running redis-server. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:PORT/DB`. */
  url(db?: number): string;
  /** Sends `signal` to it by PID (SIGSTOP makes a Redis that holds its connections open and answers nothing). */
  signal(signal: NodeJS.Signals): void;
  /** Kills it with SIGKILL (a crash: no goodbye to clients) and waits until its port is closed. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is saved). */
  restart(): Promise<void>;
  /** Stops it by PID (SIGTERM) and removes its folder. */
  stop(): Promise<void>;
}

/** Starts redis-server on a free port; fails with an install hint when the binary is missing. */
export async function startRedisServer(): Promise<RedisServer> {
  const folder = await mkdtemp(join(tmpdir(), 'cdn-include-redis-'));
  const port = await freePort();
  const pidFile = join(folder, 'redis.pid');
  const command = {
    name: 'redis-server',
    port,
    pidFile,
    logFiles: [],
    command: [
      REDIS_SERVER,
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...['--daemonize', 'no', '--dir', folder, '--pidfile', pidFile],
    ],
  };
  let running: ServerProcess | undefined = await startServerProcess(command);
  const signal = (name: NodeJS.Signals): void => {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), name);
  };
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    signal,
    async kill() {
      signal('SIGKILL');
      await running?.stop();
      running = undefined;
    },
    async restart() {
      await running?.stop();
      running = await startServerProcess(command);
    },
    async stop() {
      await running?.stop();
      running = undefined;
      await rm(folder, { recursive: true, force: true });
    },
  };
}
