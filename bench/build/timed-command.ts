// Runs one build tool as a child process and measures its wall time, so every tool pays its own start-up
// and file writing exactly as a user running it would.

import { spawn } from 'node:child_process';

/** What a timed run produced. */
export interface TimedResult {
  milliseconds: number;
  /** The last few KB of standard output (our CLI prints one line per page; only the summary matters). */
  stdoutTail: string;
}

const TAIL_BYTES = 8192;

/**
 * Runs `command args` in `cwd`, rejecting with its stderr when it exits non-zero.
 *
 * @example
 * const { milliseconds } = await timeCommand('hugo', ['--source', root], root);
 */
export function timeCommand(command: string, args: string[], cwd: string): Promise<TimedResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutTail = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdoutTail = (stdoutTail + chunk).slice(-TAIL_BYTES);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-TAIL_BYTES);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ milliseconds, stdoutTail });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`));
    });
  });
}

/** The first line of `command --version`-style output, or undefined when the command cannot be run. */
export async function versionOf(command: string, args: string[], cwd: string): Promise<string | undefined> {
  try {
    const { stdoutTail } = await timeCommand(command, args, cwd);
    return stdoutTail.trim().split('\n')[0];
  } catch {
    return undefined;
  }
}
