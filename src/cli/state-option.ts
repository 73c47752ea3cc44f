// `--state DIR|redis://HOST:PORT`: where `serve` keeps its validator ledger, and the default state folder when the
// flag is absent, outside the docroot so a read-only docroot works and every release of a symlinked one shares it.

import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FolderLedgerStore } from '../engine/folder-ledger-store';
import { LedgerStore } from '../engine/validator-ledger';
import { UsageError } from './usage';

export const STATE_OPTIONS = { state: { type: 'string' } } as const;

export const STATE_OPTIONS_HELP = `  --state DIR|redis://HOST:PORT[/DB]
                          where the validator ledger is kept (what each page was sent with), so
                          restarts, workers and a fleet never answer 304 for other bytes; redis://
                          shares it between origins (default: a folder per ROOT under
                          $STATE_DIRECTORY, else $XDG_STATE_HOME/cdn-include, else
                          ~/.local/state/cdn-include)`;

/** The `--state` value as given (a folder resolved against `cwd`), or undefined for the default. */
export function parseStateArgument(given: string | undefined, cwd: string): string | undefined {
  if (given === undefined) return undefined;
  if (given.trim() === '') throw new UsageError("option '--state' needs a folder or a redis:// URL");
  return isRedisUrl(given) ? given : resolve(cwd, given);
}

/**
 * The default state folder of `root`: one per docroot path as given (not its real path, so a symlink switch keeps
 * the ledger), under systemd's StateDirectory, the XDG state home, or ~/.local/state.
 */
export function defaultStateFolder(root: string, env: NodeJS.ProcessEnv): string {
  const base =
    env.STATE_DIRECTORY?.split(':')[0] ||
    (env.XDG_STATE_HOME ? join(env.XDG_STATE_HOME, 'cdn-include') : '') ||
    join(homedir() || tmpdir(), '.local', 'state', 'cdn-include');
  const digest = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16);
  return join(base, digest);
}

/** Opens the store `spec` names: a redis:// URL or a folder. */
export function openStateStore(spec: string): LedgerStore {
  if (isRedisUrl(spec)) throw new UsageError("option '--state': redis:// is not available in this build");
  return new FolderLedgerStore(spec);
}

function isRedisUrl(spec: string): boolean {
  return /^rediss?:\/\//i.test(spec);
}
