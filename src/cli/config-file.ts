// Reads a cdn-include JSON config file and merges it with command-line flags (flags win).
// Checks every key and type, so a typo is one clear usage error instead of a silently ignored setting.

import { readFileSync } from 'node:fs';
import type { RenderLimits } from '../engine/render-limits';
import { isPlainFileName, PLAIN_FILE_NAMES } from '../engine/render-options';
import { compileCachePolicy, type CachePolicyRule } from '../server/cache-policy';
import { checkPurgeTarget, type PurgeTarget } from '../purge/purge-target';
import { DEFAULT_SSI_EXTENSIONS, type SiteArguments } from './site-arguments';
import { UsageError } from './usage';
import { isToken } from '../fields/http-fields';

/** What a config file may set (ROOT stays a command-line argument). */
export interface ConfigFile {
  ssiExtensions?: string[];
  /** `ap-expr` (Apache 2.4's default) or `legacy`. */
  expressionSyntax?: 'ap-expr' | 'legacy';
  /** URL-path prefixes parsed with the legacy syntax, like Apache's per-directory `SSILegacyExprParser on`. */
  legacyExpressionPrefixes?: string[];
  directoryIndex?: string[];
  errorMessage?: string;
  undefinedEcho?: string;
  cacheControl?: string;
  staticCacheControl?: string;
  limits?: Partial<RenderLimits>;
  /** serve only: worker processes (node:cluster). */
  workers?: number;
  /** serve only: negotiate gzip and brotli. */
  compression?: boolean;
  /** serve only: keep built responses in memory (the render cache). */
  cache?: boolean;
  /** serve only: bytes of built responses kept, keys and header values counted. */
  cacheSize?: number;
  /** serve only: bytes of file contents kept for renders. */
  fileCacheSize?: number;
  /** serve only: bytes of the validator history (last ETag and Last-Modified per page variant). */
  validatorHistorySize?: number;
  /** serve only: ms a cached response is served without re-checking its files. */
  revalidateWindow?: number;
  /** serve only: static files bigger than this many bytes are streamed from disk. */
  streamThreshold?: number;
  /** serve only: one line per request on stdout. */
  accessLog?: boolean;
  /** serve only: cache policy rules, first match wins (README "Behind a CDN"). */
  cacheRules?: CachePolicyRule[];
  /** serve only: send purge tags (README "Behind a CDN"). */
  purgeTags?: boolean;
  /** serve only: the space-separated tag header, or false for none. */
  surrogateKeyHeader?: string | false;
  /** serve only: the comma-separated tag header, or false for none. */
  cacheTagHeader?: string | false;
  /** serve only: largest tag header value in bytes. */
  maxTagHeaderBytes?: number;
  /** serve only: connections held at once per process (`--max-connections`). */
  maxConnections?: number;
  /** serve only: ms a client has to send its request headers (`--headers-timeout`). */
  headersTimeout?: number;
  /** serve only: ms a client has to send its whole request (`--request-timeout`). */
  requestTimeout?: number;
  /** serve only: ms an idle keep-alive connection stays open (`--keep-alive-timeout`). */
  keepAliveTimeout?: number;
  /** serve and build: watch ROOT and handle the pages each change affects (`--watch`). */
  watch?: boolean;
  /** serve and build with watch: the purge request template, `{tag}`/`{url}` or `{tags}` filled in per purge. */
  purge?: PurgeTarget;
  /** serve with watch: a build manifest whose pages seed the dependency graph. */
  manifest?: string;
}

type Check = (value: unknown) => boolean;
const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isCount: Check = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
// RFC 9110 §5.1: field-name = token.
const isHeaderNameOrFalse: Check = (value) =>
  value === false || (isString(value) && isToken(value as string));
const isRuleList: Check = (value) =>
  Array.isArray(value) &&
  value.every((rule) => typeof rule === 'object' && rule !== null && !Array.isArray(rule));
const isObject: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList: Check = (value) => Array.isArray(value) && value.every(isString);
const LIMIT_NAMES = ['maxIncludeDepth', 'maxIncludes', 'maxOutputBytes'];

const KEYS: Record<keyof ConfigFile, { check: Check; expected: string }> = {
  ssiExtensions: { check: isStringList, expected: 'a list of extensions such as [".shtml"]' },
  expressionSyntax: { check: (v) => v === 'ap-expr' || v === 'legacy', expected: '"ap-expr" or "legacy"' },
  legacyExpressionPrefixes: {
    check: isStringList,
    expected: 'a list of URL-path prefixes such as ["/old/"]',
  },
  directoryIndex: {
    check: (v) => Array.isArray(v) && v.every(isPlainFileName),
    expected: PLAIN_FILE_NAMES.replace(/'/g, '"'),
  },
  errorMessage: { check: isString, expected: 'a string' },
  undefinedEcho: { check: isString, expected: 'a string' },
  cacheControl: { check: isString, expected: 'a Cache-Control value' },
  staticCacheControl: { check: isString, expected: 'a Cache-Control value' },
  workers: {
    check: (v) => isCount(v) && (v as number) >= 1 && (v as number) <= 256,
    expected: 'a whole number from 1 to 256',
  },
  compression: { check: isBoolean, expected: 'true or false' },
  cache: { check: isBoolean, expected: 'true or false' },
  cacheSize: { check: isCount, expected: 'a number of bytes' },
  fileCacheSize: { check: isCount, expected: 'a number of bytes' },
  validatorHistorySize: { check: isCount, expected: 'a number of bytes' },
  revalidateWindow: { check: isCount, expected: 'a number of milliseconds' },
  streamThreshold: {
    check: (v) => isCount(v) && (v as number) < 2 ** 31,
    expected: 'a number of bytes below 2147483648',
  },
  accessLog: { check: isBoolean, expected: 'true or false' },
  cacheRules: {
    check: isRuleList,
    expected: 'a list of rule objects such as [{ "path": "/assets/**", "maxAge": 86400 }]',
  },
  purgeTags: { check: isBoolean, expected: 'true or false' },
  surrogateKeyHeader: {
    check: isHeaderNameOrFalse,
    expected: 'a header name such as "Surrogate-Key", or false',
  },
  cacheTagHeader: { check: isHeaderNameOrFalse, expected: 'a header name such as "Cache-Tag", or false' },
  maxTagHeaderBytes: { check: isCount, expected: 'a number of bytes' },
  maxConnections: {
    check: (v) => isCount(v) && (v as number) >= 1,
    expected: 'a whole number of connections ≥ 1',
  },
  headersTimeout: { check: isCount, expected: 'a number of milliseconds (0: none)' },
  requestTimeout: { check: isCount, expected: 'a number of milliseconds (0: none)' },
  keepAliveTimeout: { check: isCount, expected: 'a number of milliseconds' },
  watch: { check: isBoolean, expected: 'true or false' },
  purge: {
    check: isObject,
    expected:
      'a request template { "method", "url", "headers", "body", "maxTags" } with {tag}/{url} or {tags}',
  },
  manifest: { check: isString, expected: 'the path of a build manifest' },
  limits: {
    check: (v) => typeof v === 'object' && v !== null && Object.keys(v).every((k) => LIMIT_NAMES.includes(k)),
    expected: `an object with ${LIMIT_NAMES.join(', ')}`,
  },
};

/** Reads and checks a config file; throws UsageError (one line) if it cannot be read or is wrong. */
export function readConfigFile(file: string): ConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`config file '${file}': ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`config file '${file}' must hold a JSON object`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    // Own keys only: `__proto__` or `constructor` would otherwise find Object.prototype's members.
    const rule = Object.hasOwn(KEYS, key) ? KEYS[key as keyof ConfigFile] : undefined;
    if (!rule)
      throw new UsageError(
        `config file '${file}': unknown key '${key}' (known: ${Object.keys(KEYS).join(', ')})`,
      );
    if (!rule.check(value)) throw new UsageError(`config file '${file}': '${key}' must be ${rule.expected}`);
  }
  const { cacheRules: rules, purge } = parsed as ConfigFile;
  try {
    if (rules !== undefined) compileCachePolicy(rules);
    // One line naming the field, e.g. `purge.url must be an http:// or https:// URL`.
    if (purge !== undefined) checkPurgeTarget(purge, 'purge');
  } catch (err) {
    // One line naming the rule and key, e.g. `cacheRules[1].maxAge must be a whole number of seconds ≥ 0`.
    throw new UsageError(`config file '${file}': ${(err as Error).message.replace(/^ssi\(\): /, '')}`);
  }
  return parsed as ConfigFile;
}

/** The settings a command runs with: the config file's, overridden by the flags that were given. */
export interface SiteSettings extends Omit<ConfigFile, 'ssiExtensions'> {
  root: string;
  ssiExtensions: string[];
}

/** Merges the flags over the config file named by `--config`, if any. */
export function siteSettings(flags: SiteArguments): SiteSettings {
  const file = flags.config === undefined ? {} : readConfigFile(flags.config);
  return {
    ...file,
    root: flags.root,
    ssiExtensions: flags.ssiExtensions ?? file.ssiExtensions ?? [...DEFAULT_SSI_EXTENSIONS],
    expressionSyntax: flags.legacyExpr ? 'legacy' : (file.expressionSyntax ?? 'ap-expr'),
  };
}
