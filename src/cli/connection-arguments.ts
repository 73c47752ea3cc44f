// The connection-limit flags of `serve` (`--max-connections`, `--headers-timeout`, `--request-timeout`,
// `--keep-alive-timeout`), their merge with the config file's keys of the same names, and the fit of the
// connection cap under the open-file limit. Pure: the limit is passed in.

import {
  checkConnectionLimits,
  DEFAULT_CONNECTION_LIMITS,
  type ConnectionLimits,
} from '../server/connection-limits';
import { parseIntegerOption, UsageError, type OptionValues } from './usage';

/** The connection-limit options, in util.parseArgs form. */
export const CONNECTION_OPTIONS = {
  'max-connections': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
} as const;

const { maxConnections, headersTimeout, requestTimeout, keepAliveTimeout } = DEFAULT_CONNECTION_LIMITS;

/** The help lines of CONNECTION_OPTIONS, aligned with the other option lines. */
export const CONNECTION_OPTIONS_HELP = [
  '  --max-connections N     connections held at once per process; more are closed on arrival',
  `                          (default: ${maxConnections}, lowered to fit the open-file limit)`,
  '  --headers-timeout MS    time a client has to send its request headers, 0 for none',
  `                          (default: ${headersTimeout})`,
  `  --request-timeout MS    time a client has to send its whole request, 0 for none (default: ${requestTimeout})`,
  "  --keep-alive-timeout MS time an idle connection stays open; keep it above your load balancer's",
  `                          idle timeout (default: ${keepAliveTimeout})`,
].join('\n');

/** Descriptors kept free for files, watches, purges and logs when the cap is fitted under the open-file limit. */
export const RESERVED_DESCRIPTORS = 256;

const LONGEST_TIMEOUT = 86_400_000;

/** What the flags select; undefined fields leave the config file's value or the default. */
export type ConnectionArguments = { [K in keyof ConnectionLimits]: number | undefined };

/** Reads CONNECTION_OPTIONS, or throws a UsageError naming the flag. */
export function parseConnectionArguments(
  values: OptionValues<typeof CONNECTION_OPTIONS>,
): ConnectionArguments {
  const read = (flag: keyof typeof CONNECTION_OPTIONS, least: number, most: number) => {
    const text = values[flag];
    return text === undefined ? undefined : parseIntegerOption(text, flag, least, most);
  };
  return {
    maxConnections: read('max-connections', 1, 1 << 24),
    headersTimeout: read('headers-timeout', 0, LONGEST_TIMEOUT),
    requestTimeout: read('request-timeout', 0, LONGEST_TIMEOUT),
    keepAliveTimeout: read('keep-alive-timeout', 0, LONGEST_TIMEOUT),
  };
}

/** The limits `serve` runs with, and a warning when a cap given explicitly exceeds what the open files allow. */
export interface ConnectionSettings {
  limits: ConnectionLimits;
  warning: string | undefined;
}

/**
 * Merges flags over the config file over the defaults. The default cap is lowered to leave RESERVED_DESCRIPTORS
 * under `openFileLimit`; a cap that was asked for is kept, with a warning, since the operator may raise the limit.
 */
export function connectionSettings(
  flags: ConnectionArguments,
  file: Partial<ConnectionLimits>,
  openFileLimit: number | undefined,
): ConnectionSettings {
  const pick = (key: keyof ConnectionLimits): number =>
    flags[key] ?? file[key] ?? DEFAULT_CONNECTION_LIMITS[key];
  const room = openFileLimit === undefined ? undefined : Math.max(1, openFileLimit - RESERVED_DESCRIPTORS);
  const asked = flags.maxConnections ?? file.maxConnections;
  const limits = {
    maxConnections: asked ?? Math.min(DEFAULT_CONNECTION_LIMITS.maxConnections, room ?? Infinity),
    headersTimeout: pick('headersTimeout'),
    requestTimeout: pick('requestTimeout'),
    keepAliveTimeout: pick('keepAliveTimeout'),
  };
  try {
    checkConnectionLimits(limits);
  } catch (err) {
    // One line naming the limits by their config key, which the flags spell in kebab-case.
    throw new UsageError((err as Error).message);
  }
  const warning =
    asked !== undefined && room !== undefined && asked > room
      ? `a cap of ${asked} connections leaves fewer than ${RESERVED_DESCRIPTORS} of the ${openFileLimit} open files ` +
        `this process may have for its own files: raise the limit (ulimit -n, LimitNOFILE=) or lower --max-connections`
      : undefined;
  return { limits, warning };
}
