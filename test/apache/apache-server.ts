// Starts the reference Apache in the foreground as a child process, waits for its port, and stops it by PID.
// Test tooling only (child_process is never used in src/).

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServerProcess } from '../support/server-process';
import { apacheConfig, APACHE_BINARY, unprivilegedUser } from './apache-config';

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

/** Writes httpd.conf into `serverRoot` and starts Apache on it with TZ=UTC; rejects with the log on failure. */
export async function startApache(serverRoot: string, docroot: string): Promise<ApacheServer> {
  mkdirSync(join(serverRoot, 'run'), { recursive: true });
  const port = await freePort();
  const runAs = process.getuid?.() === 0 ? unprivilegedUser() : undefined;
  const configFile = join(serverRoot, 'httpd.conf');
  writeFileSync(configFile, apacheConfig({ serverRoot, docroot, port, runAs }));
  const errorLog = join(serverRoot, 'error.log');
  const apache = await startServerProcess({
    name: 'apache2',
    command: [APACHE_BINARY, '-f', configFile, '-DFOREGROUND'],
    port,
    pidFile: join(serverRoot, 'apache2.pid'),
    logFiles: [errorLog, configFile],
  });
  const startLog = readLog(errorLog);
  if (BAD_START_LOG.test(startLog)) {
    await apache.stop();
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
    stop: () => apache.stop(),
  };
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'latin1') : '';
}
