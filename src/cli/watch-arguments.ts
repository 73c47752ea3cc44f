// The `--watch` and purge options `serve` and `build` share, declared once (flags and the config file's `watch`,
// `purge` and `manifest` keys), and the watch settings a command runs with. Pure: resolves paths against the given
// folder, touches no file.

import path from 'node:path';
import {
  checkPurgeTarget,
  DEFAULT_PURGE_TAG_HEADER,
  purgeTargetFromFlags,
  type PurgeTarget,
} from '../purge/purge-target';
import { booleanRule, objectRule, stringRule } from './config-rules';
import { overriding, switched, valued, type FlagDeclaration, type FlagValues } from './flags';
import type { ConfigFile, WatchSettings } from './settings';
import { UsageError } from './usage';

/** `-w, --watch`, the config key `watch`. */
export const WATCH = overriding(
  switched(
    {
      name: 'watch',
      short: 'w',
      help:
        'watch ROOT; on a change, log the pages it affects (from the pages rendered\n' +
        'so far and the build manifest) and purge them when a purge target is set',
    },
    true,
    undefined,
  ),
  booleanRule('watch'),
);

/** `--purge-url URL`: with `--purge-method` and `--purge-tag-header`, the flag form of the `purge` key. */
export const PURGE_URL: FlagDeclaration<string | undefined> = {
  flag: valued(
    {
      name: 'purge-url',
      argument: 'URL',
      help:
        'purge each affected page with a request to URL (with --watch); {tag} and\n' +
        "{url} in URL become the page's purge tag and URL path; with {tags} in URL,\n" +
        "the changed files' tags go out in batches of up to 30, space-separated",
    },
    (given) => given,
  ),
};

/** `--purge-method M`, upper-cased. */
export const PURGE_METHOD: FlagDeclaration<string | undefined> = {
  flag: valued({ name: 'purge-method', argument: 'M', help: 'PURGE or BAN (default: PURGE)' }, (given) => {
    const method = given.toUpperCase();
    if (method !== 'PURGE' && method !== 'BAN')
      throw new UsageError(`option '--purge-method' needs PURGE or BAN, not '${given}'`);
    return method;
  }),
};

/** `--purge-tag-header NAME`. */
export const PURGE_TAG_HEADER: FlagDeclaration<string | undefined> = {
  flag: valued(
    {
      name: 'purge-tag-header',
      argument: 'NAME',
      help: `header carrying the tag (default: ${DEFAULT_PURGE_TAG_HEADER}; the URL path goes in X-Purge-URL)`,
    },
    (given) => given,
  ),
};

/** The config key `purge`: a request template, checked whole by checkPurgeTarget once the file is read. */
export const PURGE_RULE = objectRule(
  'purge',
  'a request template { "method", "url", "headers", "body", "maxTags" } with {tag}/{url} or {tags}',
);

/** `--manifest FILE` (serve only), absolute, the config key `manifest`. */
export const MANIFEST = overriding(
  valued(
    {
      name: 'manifest',
      argument: 'FILE',
      help: 'with --watch, also count the pages of this build manifest as rendered',
    },
    (given, cwd) => path.resolve(cwd, given),
  ),
  stringRule('manifest', 'the path of a build manifest'),
);

/** The watch and purge flags, in --help order (serve adds MANIFEST after them). */
export const WATCH_FLAGS = {
  watch: WATCH,
  purgeUrl: PURGE_URL,
  purgeMethod: PURGE_METHOD,
  purgeTagHeader: PURGE_TAG_HEADER,
};

/** What the watch flags select: `watch` and the target the three purge flags make. */
export interface WatchArguments {
  /** True for `--watch`; undefined leaves the config file's `watch`. */
  watch: boolean | undefined;
  /** The target built from `--purge-url`, `--purge-method` and `--purge-tag-header`. */
  purge: PurgeTarget | undefined;
}

/** A command's parsed flags `T`, with one `purge` target where the three purge flags' fields were. */
export type WithPurgeTarget<T> = Omit<T, 'purgeUrl' | 'purgeMethod' | 'purgeTagHeader'> & WatchArguments;

/**
 * A command's parsed flags with the three purge flags made into one purge target, or a UsageError naming the
 * flag that is wrong.
 */
export function withPurgeTarget<T extends FlagValues<typeof WATCH_FLAGS>>(values: T): WithPurgeTarget<T> {
  const { purgeUrl: url, purgeMethod: method, purgeTagHeader: tagHeader, ...rest } = values;
  if (url === undefined && (method !== undefined || tagHeader !== undefined)) {
    throw new UsageError("options '--purge-method' and '--purge-tag-header' need '--purge-url URL'");
  }
  try {
    return { ...rest, purge: url === undefined ? undefined : purgeTargetFromFlags(url, method, tagHeader) };
  } catch (err) {
    const field = /purge\.(\w+)/.exec((err as Error).message)?.[1];
    const flag = field === 'headers' ? 'purge-tag-header' : field === 'method' ? 'purge-method' : 'purge-url';
    throw new UsageError(
      `option '--${flag}' is not usable: ${(err as Error).message.replace(/^purge\.\w+(\['[^']*'\])? /, '')}`,
    );
  }
}

/**
 * The watch settings of merged settings (flags over the config file): watch off unless asked, the purge target
 * checked, a config file's manifest resolved against `cwd`. A purge target needs watch on.
 */
export function watchSettings(
  settings: Pick<ConfigFile, 'watch' | 'purge' | 'manifest'>,
  cwd: string,
): WatchSettings {
  const watch = settings.watch ?? false;
  const purge = settings.purge === undefined ? undefined : checkPurgeTarget(settings.purge, 'purge');
  if (purge !== undefined && !watch)
    throw new UsageError('a purge target needs \'--watch\' (or "watch": true in the config file)');
  const manifest = settings.manifest === undefined ? undefined : path.resolve(cwd, settings.manifest);
  return { watch, purge, manifest };
}
