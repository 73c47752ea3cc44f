// The `--watch` and purge flags `serve` and `build` share, and their merge with the config file's `watch`,
// `purge` and `manifest` keys (flags win). Pure: resolves paths against the given folder, touches no file.

import path from 'node:path';
import { checkPurgeTarget, purgeTargetFromFlags, type PurgeTarget } from '../purge/purge-target';
import type { ConfigFile } from './config-file';
import { UsageError, type OptionValues } from './usage';

/** The watch and purge options, in util.parseArgs form. */
export const WATCH_OPTIONS = {
  watch: { type: 'boolean', short: 'w' },
  'purge-url': { type: 'string' },
  'purge-method': { type: 'string' },
  'purge-tag-header': { type: 'string' },
  manifest: { type: 'string' },
} as const;

/** The help lines of WATCH_OPTIONS, aligned with the other option lines. */
export const WATCH_OPTIONS_HELP = [
  '  -w, --watch             watch ROOT; on a change, log the pages it affects (from the pages rendered',
  '                          so far and the build manifest) and purge them when a purge target is set',
  '  --purge-url URL         purge each affected page with a request to URL (with --watch); {tag} and',
  "                          {url} in URL become the page's purge tag and URL path; with {tags} in URL,",
  "                          the changed files' tags go out in batches of up to 30, space-separated",
  '  --purge-method M        PURGE or BAN (default: PURGE)',
  '  --purge-tag-header NAME header carrying the tag (default: X-Purge-Tag; the URL path goes in X-Purge-URL)',
].join('\n');

/** What the watch flags select; undefined fields leave the config file's value. */
export interface WatchArguments {
  watch: boolean | undefined;
  /** The target built from `--purge-url`, `--purge-method` and `--purge-tag-header`. */
  purge: PurgeTarget | undefined;
  /** `--manifest FILE`, absolute: a build manifest whose pages seed the dependency graph. */
  manifest: string | undefined;
}

/** Reads WATCH_OPTIONS, or throws a UsageError naming the flag. */
export function parseWatchArguments(values: OptionValues<typeof WATCH_OPTIONS>, cwd: string): WatchArguments {
  const url = values['purge-url'];
  const method = values['purge-method']?.toUpperCase();
  if (method !== undefined && method !== 'PURGE' && method !== 'BAN') {
    throw new UsageError(`option '--purge-method' needs PURGE or BAN, not '${values['purge-method']}'`);
  }
  if (url === undefined && (method !== undefined || values['purge-tag-header'] !== undefined)) {
    throw new UsageError("options '--purge-method' and '--purge-tag-header' need '--purge-url URL'");
  }
  let purge: PurgeTarget | undefined;
  try {
    purge = url === undefined ? undefined : purgeTargetFromFlags(url, method, values['purge-tag-header']);
  } catch (err) {
    const field = /purge\.(\w+)/.exec((err as Error).message)?.[1];
    const flag = field === 'headers' ? 'purge-tag-header' : field === 'method' ? 'purge-method' : 'purge-url';
    throw new UsageError(
      `option '--${flag}' is not usable: ${(err as Error).message.replace(/^purge\.\w+(\['[^']*'\])? /, '')}`,
    );
  }
  const manifest = values.manifest === undefined ? undefined : path.resolve(cwd, values.manifest);
  return { watch: values.watch === true ? true : undefined, purge, manifest };
}

/** The watch settings a command runs with: flags over the config file. */
export interface WatchSettings {
  watch: boolean;
  purge: PurgeTarget | undefined;
  manifest: string | undefined;
}

/**
 * Merges the flags over the config file's `watch`, `purge` and `manifest` (relative to `cwd`); a purge target
 * needs watch on.
 */
export function watchSettings(
  flags: WatchArguments,
  file: Pick<ConfigFile, 'watch' | 'purge' | 'manifest'>,
  cwd: string,
): WatchSettings {
  const watch = flags.watch ?? file.watch ?? false;
  const purge = flags.purge ?? (file.purge === undefined ? undefined : checkPurgeTarget(file.purge, 'purge'));
  if (purge !== undefined && !watch)
    throw new UsageError('a purge target needs \'--watch\' (or "watch": true in the config file)');
  const manifest =
    flags.manifest ?? (file.manifest === undefined ? undefined : path.resolve(cwd, file.manifest));
  return { watch, purge, manifest };
}
