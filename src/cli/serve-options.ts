// The options only `serve` has, each declared once: its flag (name, argument, help, parse rule) and, where a config
// file can set it too, its config key. Pure.

import { isSendableFieldValue, isToken } from '../fields/http-fields';
import { LOG_FORMATS, type LogFormat } from '../server/access-log';
import { isTrustedProxyEntry, parseTrustedProxyList } from '../server/proxy-trust';
import { WHOLE_NUMBER_OPTIONS } from '../server/ssi-option-ranges';
import type { WholeNumberRange } from '../fields/whole-number';
import { booleanRule, rule, stringRule, wholeNumberRule } from './config-rules';
import { overriding, switched, valued, wholeNumberFlag, type Flag, type FlagDeclaration } from './flags';
import { UsageError } from './usage';

/** The port `serve` listens on when none is given. */
export const DEFAULT_PORT = 8080;

/** The address `serve` listens on when none is given: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

/** The ports a TCP server can listen on; 0 asks the kernel for any free one. */
export const PORT_RANGE: WholeNumberRange = { min: 0, max: 65535 };

/**
 * How long `serve` sends a cached response without re-checking its files, in ms, where file change notifications
 * are unavailable (NFS, the inotify watch limit): the staleness bound there. Checking every file on every request
 * costs more than half the throughput (README, Performance); one second does not. Given explicitly
 * (`--revalidate-window`, the config key), the check also runs while notifications work.
 */
export const DEFAULT_REVALIDATE_WINDOW = 1000;

/** A config value that is a header name (RFC 9110 §5.1: field-name = token), or false for none. */
const isHeaderNameOrFalse = (value: unknown): boolean =>
  value === false || (typeof value === 'string' && isToken(value));

/** `--port N`: the TCP port; absent, the environment's `PORT` (listen-address.ts), else DEFAULT_PORT. */
export const PORT: FlagDeclaration<number | undefined> = {
  flag: wholeNumberFlag(
    {
      name: 'port',
      argument: 'N',
      help: `TCP port to listen on, 0 for any free port (default: $PORT, else ${DEFAULT_PORT})`,
    },
    PORT_RANGE,
  ),
};

/**
 * `--host ADDRESS`: the address to listen on; brackets around an IPv6 address are dropped. Absent, the
 * environment's `HOST` (listen-address.ts), else DEFAULT_HOST.
 */
export const HOST: FlagDeclaration<string | undefined> = {
  flag: valued(
    {
      name: 'host',
      argument: 'ADDRESS',
      help: `address to listen on, 0.0.0.0 for every interface\n(default: $HOST, else ${DEFAULT_HOST})`,
    },
    (given) => hostAddress(given, "option '--host'"),
  ),
};

/** `--cache-control VALUE`, the config key `cacheControl`. */
export const CACHE_CONTROL = overriding(
  valued(
    {
      name: 'cache-control',
      argument: 'VALUE',
      help: 'Cache-Control sent with expanded pages (default: public, max-age=0)',
    },
    cacheControlFlagValue,
  ),
  stringRule('cacheControl', 'a Cache-Control value'),
);

const WORKER_COUNT: WholeNumberRange = { min: 1, max: 256 };
/** `--workers N`, the config key `workers`. */
export const WORKERS = overriding(
  wholeNumberFlag(
    {
      name: 'workers',
      argument: 'N',
      help: 'worker processes sharing the port, one per core you give it (default: 1)',
    },
    WORKER_COUNT,
  ),
  wholeNumberRule('workers', WORKER_COUNT),
);

/** `--compress`, the config key `compression`. */
export const COMPRESS = overriding(
  switched(
    {
      name: 'compress',
      help:
        'send gzip or brotli to clients that accept it, for responses of 1 KB or more\n' +
        'of a type the mime database marks compressible (text, JSON, SVG, fonts, icons,\n' +
        'wasm); each then carries Vary: Accept-Encoding (default: off)',
    },
    true,
    undefined,
  ),
  booleanRule('compression'),
);

/** `--no-cache`, the config key `cache` (false). */
export const NO_CACHE = overriding(
  switched(
    {
      name: 'no-cache',
      help:
        'render every request again (default: built responses are kept in memory;\n' +
        'file bytes and parsed fragments are cached either way)',
    },
    false,
    undefined,
  ),
  booleanRule('cache'),
);

/** `--cache-size MB`, kept in bytes as the config key `cacheSize` counts it. */
export const CACHE_SIZE = overriding(
  wholeNumberFlag(
    {
      name: 'cache-size',
      argument: 'MB',
      help:
        'memory for built responses, compressed copies, URLs and the header values\n' +
        'they vary on included (default: 64)',
    },
    { min: 0, max: 1 << 20 },
    1024 * 1024,
  ),
  wholeNumberRule('cacheSize', WHOLE_NUMBER_OPTIONS.cacheSize),
);

/** `--revalidate-window MS`, the config key `revalidateWindow`. */
export const REVALIDATE_WINDOW = overriding(
  wholeNumberFlag(
    {
      name: 'revalidate-window',
      argument: 'MS',
      help:
        "re-check a cached response's files at most every MS milliseconds (0: on every\n" +
        "request). Without it, changes are learnt from the kernel's file notifications\n" +
        'and drop cached responses at once; only where notifications are unavailable\n' +
        '(NFS, SMB, FUSE, the inotify watch limit; logged once) are files re-checked,\n' +
        `every ${DEFAULT_REVALIDATE_WINDOW} ms. Given, the check runs beside the notifications`,
    },
    { min: 0, max: 86_400_000 },
  ),
  wholeNumberRule('revalidateWindow', WHOLE_NUMBER_OPTIONS.revalidateWindow),
);

/** `--no-purge-tags`, the config key `purgeTags` (false). */
export const NO_PURGE_TAGS = overriding(
  switched(
    {
      name: 'no-purge-tags',
      help:
        'send no purge tags (default: every response carries Surrogate-Key and\n' +
        'Cache-Tag, one tag per file it rests on; see cdn-include tag --help)',
    },
    false,
    undefined,
  ),
  booleanRule('purgeTags'),
);

/** `--surrogate-key-header NAME`, the config key `surrogateKeyHeader`. */
export const SURROGATE_KEY_HEADER = overriding(
  tagHeaderFlag(
    'surrogate-key-header',
    'header of the space-separated tags; none sends none (default: Surrogate-Key)',
  ),
  rule('surrogateKeyHeader', isHeaderNameOrFalse, 'a header name such as "Surrogate-Key", or false'),
);

/** `--cache-tag-header NAME`, the config key `cacheTagHeader`. */
export const CACHE_TAG_HEADER = overriding(
  tagHeaderFlag(
    'cache-tag-header',
    'header of the comma-separated tags; none sends none (default: Cache-Tag)',
  ),
  rule('cacheTagHeader', isHeaderNameOrFalse, 'a header name such as "Cache-Tag", or false'),
);

/** `--live-reload` (a development mode, with --watch; no config key: a config file is for production). */
export const LIVE_RELOAD: FlagDeclaration<true | undefined> = {
  flag: switched(
    {
      name: 'live-reload',
      help:
        'with --watch, reload open pages on a change: HTML responses get a small script\n' +
        '(before </body>) and are sent with Cache-Control: no-store; for development only',
    },
    true,
    undefined,
  ),
};

/** `-q, --quiet`, the config key `accessLog` (false). */
export const QUIET = overriding(
  switched({ name: 'quiet', short: 'q', help: 'no access log' }, false, undefined),
  booleanRule('accessLog'),
);

/** `--log-format combined|json`, the config key `logFormat`. */
export const LOG_FORMAT = overriding(
  valued(
    {
      name: 'log-format',
      argument: 'FORMAT',
      help:
        "access log format: combined (Apache's, read by GoAccess and AWStats, with\n" +
        'etag, time_ms, render_ms, cache and end fields appended) or json, one\n' +
        'object a line for log shippers (default: combined)',
    },
    logFormatFlagValue,
  ),
  rule('logFormat', isLogFormat, LOG_FORMATS.map((name) => `"${name}"`).join(' or ')),
);

/** `--trust-proxy LIST`, the config key `trustProxy` (a list). */
export const TRUST_PROXY = overriding(
  valued(
    {
      name: 'trust-proxy',
      argument: 'LIST',
      help:
        'comma-separated addresses and CIDR blocks of your proxies (CDN, load\n' +
        'balancer), e.g. 127.0.0.1,10.0.0.0/8: a request from one of them is logged\n' +
        "with the visitor's address from X-Forwarded-For, read from the right, past\n" +
        'trusted hops (default: none; the peer is the client)',
    },
    trustProxyFlagValue,
  ),
  rule(
    'trustProxy',
    (value) =>
      Array.isArray(value) && value.every((entry) => typeof entry === 'string' && isTrustedProxyEntry(entry)),
    'a list of addresses and CIDR blocks such as ["127.0.0.1", "10.0.0.0/8"]',
  ),
);

/** serve's own flags, in --help order (the command adds the shared ones around them). */
export const SERVE_OWN_FLAGS = {
  cacheControl: CACHE_CONTROL,
  workers: WORKERS,
  compression: COMPRESS,
  cache: NO_CACHE,
  cacheSize: CACHE_SIZE,
  revalidateWindow: REVALIDATE_WINDOW,
  purgeTags: NO_PURGE_TAGS,
  surrogateKeyHeader: SURROGATE_KEY_HEADER,
  cacheTagHeader: CACHE_TAG_HEADER,
};

function isLogFormat(value: unknown): value is LogFormat {
  return LOG_FORMATS.some((name) => name === value);
}

function logFormatFlagValue(given: string): LogFormat {
  if (!isLogFormat(given))
    throw new UsageError(`option '--log-format' needs ${LOG_FORMATS.join(' or ')}, not '${given}'`);
  return given;
}

function trustProxyFlagValue(given: string): string[] {
  const entries = parseTrustedProxyList(given);
  const wrong = entries.find((entry) => !isTrustedProxyEntry(entry));
  if (entries.length === 0 || wrong !== undefined)
    throw new UsageError(
      `option '--trust-proxy' needs addresses or CIDR blocks such as 127.0.0.1,10.0.0.0/8, not '${wrong ?? given}'`,
    );
  return entries;
}

/**
 * The address in `given`, brackets around an IPv6 address dropped; a UsageError naming `source` (an option or
 * an environment variable) when it is no address.
 */
export function hostAddress(given: string, source: string): string {
  if (!/^[A-Za-z0-9.:[\]%_-]+$/.test(given))
    throw new UsageError(`${source} needs an address, not '${given}'`);
  return given.startsWith('[') && given.endsWith(']') ? given.slice(1, -1) : given;
}

function cacheControlFlagValue(given: string): string {
  // RFC 9110 §5.5: a field value is visible characters, spaces and tabs; CR/LF would split the header.
  if (given.trim() === '' || !isSendableFieldValue(given)) {
    throw new UsageError("option '--cache-control' needs a header value such as 'public, max-age=0'");
  }
  return given.trim();
}

/** `--surrogate-key-header NAME` and `--cache-tag-header NAME`: a header name, or `none` (false: not sent). */
function tagHeaderFlag(name: string, help: string): Flag<string | false | undefined> {
  return valued({ name, argument: 'NAME', help }, (given) => {
    if (given === 'none') return false;
    // RFC 9110 §5.1: field-name = token.
    if (!isToken(given))
      throw new UsageError(`option '--${name}' needs a header name or none, not '${given}'`);
    return given;
  });
}
