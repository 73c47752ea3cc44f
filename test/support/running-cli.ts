// Test helper: runs a long-lived CLI command (serve, build --watch) in process with captured output and a stop
// signal the test sends, and waits until it says it is ready.

import type { CommandIo } from '../../src/cli/command';
import { runCli } from '../../src/cli/main';
import { waitFor } from './wait-for';

/** A command running in this process. */
export interface RunningCli {
  /** The first http:// URL it printed, without a trailing slash ('' if none). */
  url: string;
  stdout: string[];
  stderr: string[];
  /** Delivers a stop signal (`SIGINT`, `SIGTERM`), as the process would receive it. */
  stop: (signal: string) => void;
  /** Delivers SIGHUP, as the process would receive it. */
  reload: () => void;
  exitCode: Promise<number>;
}

/** Starts `cdn-include ...argv` and resolves once its stdout contains `readyText`. */
export async function startCli(argv: string[], readyText: string): Promise<RunningCli> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let stop: (signal: string) => void = () => undefined;
  const reloadListeners = new Set<() => void>();
  const io: CommandIo = {
    stdout: (text) => void stdout.push(text),
    stderr: (text) => void stderr.push(text),
    env: { XDG_STATE_HOME: process.env.XDG_STATE_HOME },
    cwd: process.cwd(),
    stopSignal: new Promise((resolve) => (stop = resolve)),
    onReload: (listener) => {
      reloadListeners.add(listener);
      return () => void reloadListeners.delete(listener);
    },
  };
  const exitCode = runCli(argv, io);
  await waitFor(() => stdout.join('').includes(readyText), `'${readyText}' from cdn-include ${argv[0]}`);
  const url = /http:\/\/\S+/.exec(stdout.join(''))?.[0].replace(/\/$/, '') ?? '';
  const reload = () => reloadListeners.forEach((listener) => listener());
  return { url, stdout, stderr, stop, reload, exitCode };
}

/** What a command that runs to its end printed and returned. */
export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cdn-include ...argv` to its end (no stop signal ever arrives), in this process's working folder and with
 * the tests' state home unless `context` names others.
 */
export async function runCliOnce(
  argv: string[],
  context: Partial<Pick<CommandIo, 'cwd' | 'env'>> = {},
): Promise<CliOutcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CommandIo = {
    stdout: (text) => void stdout.push(text),
    stderr: (text) => void stderr.push(text),
    env: context.env ?? { XDG_STATE_HOME: process.env.XDG_STATE_HOME },
    cwd: context.cwd ?? process.cwd(),
    stopSignal: new Promise(() => undefined),
  };
  const code = await runCli(argv, io);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}
