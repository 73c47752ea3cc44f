// What `serve` and `build` can be told by a config file and, for most of it, by flags: the types, derived from
// the library's own option types, and the one rule that merges them (a flag that was given wins). Types and one
// pure function; each key's check is declared with its flag, or alone (config-file.ts lists them all).

import type { LogFormat } from '../server/access-log';
import type { ConnectionLimits } from '../server/connection-limits';
import type { LoadSettings } from '../server/load-settings';
import type { SsiOptions } from '../server/ssi-middleware';
import type { PurgeTarget } from '../purge/purge-target';
import type { MirrorSettings } from '../mirrors/mirror-config';
import type { GeoSettings } from '../mirrors/geo-lookup';

/** The process-level settings of `serve`, which no library option holds. */
export interface ServeProcessSettings {
  /** Worker processes sharing the port (node:cluster). @default 1 */
  workers: number;
  /** One access-log line per request on stdout. @default true */
  accessLog: boolean;
  /** The access log's format. @default 'combined' */
  logFormat: LogFormat;
  /** Proxies (addresses, CIDR blocks) whose X-Forwarded-For names the client. @default none */
  trustProxy: string[];
  /** On SIGTERM/SIGINT, how long the requests under way may take to finish, in ms. @default 10000 */
  shutdownTimeout: number;
  /** Answer health checks at `/_cdn-include/health`. @default true */
  health: boolean;
  /** Answer Prometheus scrapes at `/_cdn-include/metrics`. @default true */
  metrics: boolean;
  /**
   * The load signal's thresholds, window and egress budget (README "Under load"); given, the signal runs and shows
   * in health and metrics even with nothing acting on it. @default the measured defaults, when something needs it
   */
  load: LoadSettings;
}

/** Watch mode of `serve` and `build` (README "Watch and purge"). */
export interface WatchSettings {
  /** Watch ROOT and handle the pages each change affects. @default false */
  watch: boolean;
  /** The purge request template, `{tag}`/`{url}` or `{tags}` filled in per purge; needs `watch`. @default none */
  purge: PurgeTarget | undefined;
  /** serve only: a build manifest whose pages seed the dependency graph. @default none */
  manifest: string | undefined;
}

/** The keys of the ssi() options a config file may set (the rest are functions or objects of the program). */
export type ConfigurableSsiOption =
  | 'ssiExtensions'
  | 'expressionSyntax'
  | 'legacyExpressionPrefixes'
  | 'directoryIndex'
  | 'errorMessage'
  | 'undefinedEcho'
  | 'limits'
  | 'cacheControl'
  | 'staticCacheControl'
  | 'cacheRules'
  | 'errorDocuments'
  | 'compression'
  | 'cache'
  | 'cacheSize'
  | 'fileCacheSize'
  | 'validatorHistorySize'
  | 'revalidateWindow'
  | 'streamThreshold'
  | 'purgeTags'
  | 'surrogateKeyHeader'
  | 'cacheTagHeader'
  | 'maxTagHeaderBytes'
  | 'mirrorRedirect'
  | 'offload'
  | 'assetHosts';

/**
 * What a config file may set, each key with the type (and meaning) of the option it sets: ssi()'s, the server's
 * connection limits, serve's and watch mode's own, and serve's mirrors. ROOT stays a command-line argument.
 */
export type ConfigFile = Pick<SsiOptions, ConfigurableSsiOption> &
  Partial<ConnectionLimits> &
  Partial<ServeProcessSettings> &
  Partial<WatchSettings> &
  Partial<MirrorSettings> &
  Partial<GeoSettings>;

/** A config-file key. */
export type ConfigKey = keyof ConfigFile;

/**
 * The settings the flags and the config file give together: for each key, the flag's value when the flag was
 * given (not undefined), else the file's. The one place where flags win over the config file.
 * @example
 * flagsOverFile({ cacheSize: 1048576, compression: undefined }, { compression: true, cacheSize: 5 });
 * // → { compression: true, cacheSize: 1048576 }
 */
export function flagsOverFile(flags: Partial<ConfigFile>, file: ConfigFile): ConfigFile {
  const merged: ConfigFile = { ...file };
  for (const [key, value] of Object.entries(flags)) {
    // Own enumerable keys of an object built from the option table: each is a ConfigKey with its own type.
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}
