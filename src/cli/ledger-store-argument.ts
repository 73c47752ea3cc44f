// Reads the value of `--state`: a Redis URL (the fleet's shared ledger) or a folder (this machine's ledger), and
// opens the store it names; without the flag, a state folder per ROOT outside the docroot, so a read-only docroot
// works and every release of a symlinked one shares it. A value that looks like a URL but is not a usable Redis
// one is a usage error.

import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FolderLedgerStore } from '../engine/folder-ledger-store';
import { RedisLedgerStore, type RedisLocation } from '../engine/redis-ledger-store';
import type { LedgerStore } from '../engine/validator-ledger';
import { valued, type FlagDeclaration } from './flags';
import { UsageError } from './usage';

/** The port of a Redis URL that names none (Redis's own default). */
export const DEFAULT_REDIS_PORT = 6379;

const REDIS_FORM = 'redis://HOST[:PORT][/DB]';
/** Anything that starts like `scheme://` is meant as a URL, not a folder. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const REDIS_SCHEME = /^rediss?:\/\//i;

/** `--state DIR|redis://HOST:PORT[/DB]`: where the validator ledger is kept; undefined for the default folder. */
export const STATE: FlagDeclaration<string | undefined> = {
  flag: valued(
    {
      name: 'state',
      argument: 'DIR|redis://HOST:PORT[/DB]',
      help:
        'where the validator ledger is kept (what each page was sent with), so\n' +
        'restarts, workers and a fleet never answer 304 for other bytes; redis://\n' +
        'shares it between origins (default: a folder per ROOT under\n' +
        '$STATE_DIRECTORY, else $XDG_STATE_HOME/cdn-include, else\n' +
        '~/.local/state/cdn-include)',
    },
    parseStateArgument,
  ),
};

/**
 * The `--state` value, checked: a Redis URL as given, a folder resolved against `cwd`, or undefined for the
 * default. Throws a UsageError for a malformed Redis URL or another URL scheme.
 */
export function parseStateArgument(given: string | undefined, cwd: string): string | undefined {
  if (given === undefined) return undefined;
  if (REDIS_SCHEME.test(given)) {
    parseRedisUrl(given);
    return given;
  }
  if (URL_LIKE.test(given))
    throw new UsageError(`option '--state' needs ${REDIS_FORM} or a folder, not '${withoutPassword(given)}'`);
  if (given.trim() === '') throw new UsageError(`option '--state' needs ${REDIS_FORM} or a folder`);
  return resolve(cwd, given);
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

/**
 * Opens the ledger store `spec` names: `redis://HOST[:PORT][/DB]` (or `rediss://` for TLS, with an optional
 * `USER:PASSWORD@`) → a RedisLedgerStore; anything else → a FolderLedgerStore on that folder. Throws a UsageError
 * for a malformed Redis URL or another URL scheme. The Redis connection is made in the background: a Redis that is
 * down at start is not an error (requests are dated without it until it answers).
 * @example
 * const store = openLedgerStore('redis://10.0.0.5:6379/3');
 */
export function openLedgerStore(spec: string): LedgerStore {
  const checked = parseStateArgument(spec, process.cwd()) as string;
  if (REDIS_SCHEME.test(checked)) return new RedisLedgerStore(parseRedisUrl(checked));
  return new FolderLedgerStore(checked);
}

/** The server and database a `redis://` or `rediss://` URL names, or a UsageError saying what is wrong. */
export function parseRedisUrl(spec: string): RedisLocation {
  const invalid = (why: string): UsageError =>
    new UsageError(`option '--state': ${why} in '${withoutPassword(spec)}' (expected ${REDIS_FORM})`);
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw invalid('not a URL');
  }
  if (url.hostname === '') throw invalid('no host');
  if (url.search !== '' || url.hash !== '') throw invalid('a query or fragment is not supported');
  const path = url.pathname.replace(/^\//, '');
  if (!/^(\d{1,9})?$/.test(path)) throw invalid('the database must be a number');
  const location: RedisLocation = {
    // WHATWG URL keeps the brackets of an IPv6 literal; the socket wants the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_REDIS_PORT : Number(url.port),
    db: path === '' ? 0 : Number(path),
    tls: url.protocol.toLowerCase() === 'rediss:',
  };
  if (url.port === '0') throw invalid('port 0');
  if (url.username !== '') location.username = decodeURIComponent(url.username);
  if (url.password !== '') location.password = decodeURIComponent(url.password);
  return location;
}

/** The URL as it may be printed: a password is replaced by `***`. */
function withoutPassword(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, '$1***@');
}
