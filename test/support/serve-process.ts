// Test helper: `cdn-include serve` as a real process (the compiled CLI, as an operator runs it), with the
// environment the test gives, waited for until it prints its URL; stopped by signal, its exit code awaited.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { compiledPackage } from './compiled-cli';

/** A running `cdn-include serve` child. */
export interface ServeProcess {
  child: ChildProcess;
  /** The URL it printed, without a trailing slash. */
  url: string;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output: string[];
  /** Resolves with the exit code (or the signal's name) once the process ended. */
  exited: Promise<number | string>;
}

/**
 * Starts `cdn-include serve ...args` with `env` added to a minimal environment (PATH and the tests' state home,
 * nothing of npm's or the machine's PORT/HOST) and resolves once it printed its URL (and `ready`, when given).
 */
export async function startServeProcess(
  args: string[],
  env: Record<string, string> = {},
  ready?: RegExp,
): Promise<ServeProcess> {
  const main = join(await compiledPackage(), 'cli/main.js');
  const child = spawn(process.execPath, [main, 'serve', ...args], {
    env: { PATH: process.env.PATH, XDG_STATE_HOME: process.env.XDG_STATE_HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  child.stderr.on('data', (chunk: Buffer) => void output.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      const text = output.join('');
      const found = /http:\/\/\S+/.exec(text)?.[0];
      if (found && (ready?.test(text) ?? true)) resolve(found.replace(/\/$/, ''));
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${output.join('')}`)));
  });
  return { child, url, output, exited };
}
