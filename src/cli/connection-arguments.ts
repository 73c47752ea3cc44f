// The connection-limit options of `serve`, declared once (`--max-connections`, `--headers-timeout`,
// `--request-timeout`, `--keep-alive-timeout` and the config keys of the same names), and the limits they make,
// with the connection cap fitted under the open-file limit. Pure: the limit is passed in.

import {
  checkConnectionLimits,
  DEFAULT_CONNECTION_LIMITS,
  type ConnectionLimits,
} from '../server/connection-limits';
import type { WholeNumberRange } from '../fields/whole-number';
import { wholeNumberRule } from './config-rules';
import { overriding, wholeNumberFlag, type FlagValues } from './flags';
import { flagsOverFile } from './settings';
import { UsageError } from './usage';

const { maxConnections, headersTimeout, requestTimeout, keepAliveTimeout } = DEFAULT_CONNECTION_LIMITS;

/** What a timeout flag takes: up to one day, in milliseconds. */
const TIMEOUT_FLAG: WholeNumberRange = { min: 0, max: 86_400_000 };
const MILLISECONDS: WholeNumberRange = { min: 0, unit: 'milliseconds' };

/** `--max-connections N`, the config key `maxConnections`. */
export const MAX_CONNECTIONS = overriding(
  wholeNumberFlag(
    {
      name: 'max-connections',
      argument: 'N',
      help:
        'connections held at once per process; more are closed on arrival\n' +
        `(default: ${maxConnections}, lowered to fit the open-file limit)`,
    },
    { min: 1, max: 1 << 24 },
  ),
  wholeNumberRule('maxConnections', { min: 1, unit: 'connections' }),
);

/** `--headers-timeout MS`, the config key `headersTimeout`. */
export const HEADERS_TIMEOUT = overriding(
  wholeNumberFlag(
    {
      name: 'headers-timeout',
      argument: 'MS',
      help: `time a client has to send its request headers, 0 for none\n(default: ${headersTimeout})`,
    },
    TIMEOUT_FLAG,
  ),
  wholeNumberRule('headersTimeout', MILLISECONDS),
);

/** `--request-timeout MS`, the config key `requestTimeout`. */
export const REQUEST_TIMEOUT = overriding(
  wholeNumberFlag(
    {
      name: 'request-timeout',
      argument: 'MS',
      help: `time a client has to send its whole request, 0 for none (default: ${requestTimeout})`,
    },
    TIMEOUT_FLAG,
  ),
  wholeNumberRule('requestTimeout', MILLISECONDS),
);

/** `--keep-alive-timeout MS`, the config key `keepAliveTimeout`. */
export const KEEP_ALIVE_TIMEOUT = overriding(
  wholeNumberFlag(
    {
      name: 'keep-alive-timeout',
      argument: 'MS',
      help: `time an idle connection stays open; keep it above your load balancer's\nidle timeout (default: ${keepAliveTimeout})`,
    },
    TIMEOUT_FLAG,
  ),
  wholeNumberRule('keepAliveTimeout', MILLISECONDS),
);

/** The connection-limit flags, in --help order, keyed by the limits they set. */
export const CONNECTION_FLAGS = {
  maxConnections: MAX_CONNECTIONS,
  headersTimeout: HEADERS_TIMEOUT,
  requestTimeout: REQUEST_TIMEOUT,
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT,
};

/** Descriptors kept free for files, watches, purges and logs when the cap is fitted under the open-file limit. */
export const RESERVED_DESCRIPTORS = 256;

/** What the flags select; undefined fields leave the config file's value or the default. */
export type ConnectionArguments = FlagValues<typeof CONNECTION_FLAGS>;

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
  const given = flagsOverFile(flags, file);
  const room = openFileLimit === undefined ? undefined : Math.max(1, openFileLimit - RESERVED_DESCRIPTORS);
  const asked = given.maxConnections;
  const limits = {
    maxConnections: asked ?? Math.min(DEFAULT_CONNECTION_LIMITS.maxConnections, room ?? Infinity),
    headersTimeout: given.headersTimeout ?? DEFAULT_CONNECTION_LIMITS.headersTimeout,
    requestTimeout: given.requestTimeout ?? DEFAULT_CONNECTION_LIMITS.requestTimeout,
    keepAliveTimeout: given.keepAliveTimeout ?? DEFAULT_CONNECTION_LIMITS.keepAliveTimeout,
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
