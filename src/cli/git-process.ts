// The one place that starts a child process: `git`, by file name with an argument array, never through a shell,
// so no path or file name in the docroot can be read as a command.

import { execFile } from 'node:child_process';

/** Most bytes of output read from one git command (a `git log --name-only` of a large history). */
const MAX_GIT_OUTPUT = 512 * 1024 * 1024;

/** What a git command printed, or why it could not run (git missing, not a repository…). */
export type GitResult = { ok: true; stdout: string } | { ok: false; message: string };

/**
 * Runs `git ARGS…` in `cwd` and collects its standard output; a failure is returned, never thrown.
 *
 * @example
 * const result = await runGit(['rev-parse', '--show-toplevel'], '/srv/site');
 */
export function runGit(args: readonly string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      // Optional locks off: reading times must not write the index of a checkout that may be read-only.
      ['--no-optional-locks', ...args],
      { cwd, encoding: 'utf8', maxBuffer: MAX_GIT_OUTPUT, windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout });
        const code = (err as NodeJS.ErrnoException).code;
        const message =
          code === 'ENOENT' ? 'git is not installed (not found on PATH)' : firstLine(stderr) || err.message;
        resolve({ ok: false, message });
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
