// Reads a cdn-include JSON config file and merges it under the command-line flags (flags win). Checks every key
// by its declaration, so a typo is one clear usage error instead of a silently ignored setting.

import { readFileSync } from 'node:fs';
import { resolveAssetHosts } from '../asset-hosts/asset-host-options';
import { DEFAULT_RENDER_LIMITS } from '../engine/render-limits';
import { isPlainFileName, PLAIN_FILE_NAMES } from '../engine/render-options';
import { checkGeoNetworks } from '../mirrors/geo-lookup';
import { checkMirrorList, MIRROR_CHECK_INTERVAL_RANGE } from '../mirrors/mirror-config';
import { checkMirrorRedirect } from '../mirrors/mirror-redirect-policy';
import { checkPurgeTarget, type PurgeTarget } from '../purge/purge-target';
import { compileCachePolicy } from '../server/cache-policy';
import { ERROR_DOCUMENTS_SHAPE, isErrorDocuments } from '../server/error-document-settings';
import { checkLoadSettings } from '../server/load-settings';
import { checkOffload } from '../server/offload-config';
import { WHOLE_NUMBER_OPTIONS } from '../server/ssi-option-ranges';
import {
  objectListRule,
  objectRule,
  rule,
  stringListRule,
  stringRule,
  wholeNumberRule,
  type ConfigRule,
} from './config-rules';
import { CONNECTION_FLAGS } from './connection-arguments';
import { flagSettings, type FlagTable, type FlagValues } from './flags';
import { OPERATIONS_FLAGS } from './operations-arguments';
import { SERVE_OWN_FLAGS, LOG_FORMAT, QUIET, TRUST_PROXY } from './serve-options';
import { flagsOverFile, type ConfigFile, type ConfigKey } from './settings';
import { DEFAULT_SSI_EXTENSIONS, LEGACY_EXPR, SSI_EXTENSIONS } from './site-arguments';
import { UsageError } from './usage';
import { MANIFEST, PURGE_RULE, WATCH } from './watch-arguments';

/** The render limits a config file's `limits` may set: RenderLimits' own names. */
const LIMIT_NAMES = Object.keys(DEFAULT_RENDER_LIMITS);

/**
 * The rule of each config-file key, in the order an unknown key's message lists them: the flag's declaration
 * where the key has a flag, the key's only declaration where just a config file sets it. The type keeps the
 * list complete: a key added to ConfigFile needs its rule here.
 */
export const CONFIG_RULES: { readonly [Key in ConfigKey]: ConfigRule } = {
  ssiExtensions: SSI_EXTENSIONS.config,
  expressionSyntax: LEGACY_EXPR.config,
  legacyExpressionPrefixes: stringListRule(
    'legacyExpressionPrefixes',
    'a list of URL-path prefixes such as ["/old/"]',
  ),
  directoryIndex: rule(
    'directoryIndex',
    (value) => Array.isArray(value) && value.every(isPlainFileName),
    PLAIN_FILE_NAMES.replace(/'/g, '"'),
  ),
  errorMessage: stringRule('errorMessage', 'a string'),
  undefinedEcho: stringRule('undefinedEcho', 'a string'),
  cacheControl: SERVE_OWN_FLAGS.cacheControl.config,
  staticCacheControl: stringRule('staticCacheControl', 'a Cache-Control value'),
  workers: SERVE_OWN_FLAGS.workers.config,
  compression: SERVE_OWN_FLAGS.compression.config,
  cache: SERVE_OWN_FLAGS.cache.config,
  cacheSize: SERVE_OWN_FLAGS.cacheSize.config,
  fileCacheSize: wholeNumberRule('fileCacheSize', WHOLE_NUMBER_OPTIONS.fileCacheSize),
  validatorHistorySize: wholeNumberRule('validatorHistorySize', WHOLE_NUMBER_OPTIONS.validatorHistorySize),
  revalidateWindow: SERVE_OWN_FLAGS.revalidateWindow.config,
  streamThreshold: wholeNumberRule('streamThreshold', WHOLE_NUMBER_OPTIONS.streamThreshold),
  accessLog: QUIET.config,
  logFormat: LOG_FORMAT.config,
  trustProxy: TRUST_PROXY.config,
  shutdownTimeout: OPERATIONS_FLAGS.shutdownTimeout.config,
  health: OPERATIONS_FLAGS.health.config,
  metrics: OPERATIONS_FLAGS.metrics.config,
  cacheRules: objectListRule(
    'cacheRules',
    'a list of rule objects such as [{ "path": "/assets/**", "maxAge": 86400 }]',
  ),
  errorDocuments: rule('errorDocuments', isErrorDocuments, ERROR_DOCUMENTS_SHAPE),
  purgeTags: SERVE_OWN_FLAGS.purgeTags.config,
  surrogateKeyHeader: SERVE_OWN_FLAGS.surrogateKeyHeader.config,
  cacheTagHeader: SERVE_OWN_FLAGS.cacheTagHeader.config,
  maxTagHeaderBytes: wholeNumberRule('maxTagHeaderBytes', WHOLE_NUMBER_OPTIONS.maxTagHeaderBytes),
  maxConnections: CONNECTION_FLAGS.maxConnections.config,
  headersTimeout: CONNECTION_FLAGS.headersTimeout.config,
  requestTimeout: CONNECTION_FLAGS.requestTimeout.config,
  keepAliveTimeout: CONNECTION_FLAGS.keepAliveTimeout.config,
  watch: WATCH.config,
  purge: PURGE_RULE,
  manifest: MANIFEST.config,
  mirrors: objectListRule(
    'mirrors',
    'a list of mirrors such as [{ "name": "m1", "url": "https://mirror.example/", "geo": "de", "priority": 1 }]',
  ),
  mirrorCheckInterval: wholeNumberRule('mirrorCheckInterval', MIRROR_CHECK_INTERVAL_RANGE),
  mirrorRedirect: objectRule(
    'mirrorRedirect',
    'an object such as { "paths": ["/downloads/"], "minBytes": 4096, "when": "always" }',
  ),
  offload: objectRule(
    'offload',
    'an object such as { "to": "https://cdn.example.net/", "when": "overloaded", "edges": { "cdnLoop": ["our-edge"] } }',
  ),
  geoNetworks: objectRule(
    'geoNetworks',
    'an object of country codes and networks such as { "de": ["192.0.2.0/24"] }',
  ),
  geoDatabase: stringRule('geoDatabase', 'the path of a MaxMind DB file (.mmdb)'),
  assetHosts: objectRule(
    'assetHosts',
    'an object such as { "hosts": ["https://a1.example"], "paths": ["/img/"], "epoch": "2026-12-01T00:00:00Z" }',
  ),
  load: objectRule('load', 'an object such as { "egressBytesPerSecond": 12500000, "enterWindows": 3 }'),
  limits: rule(
    'limits',
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      Object.keys(value).every((key) => LIMIT_NAMES.includes(key)),
    `an object with ${LIMIT_NAMES.join(', ')}`,
  ),
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
    const rule = Object.hasOwn(CONFIG_RULES, key) ? CONFIG_RULES[key as ConfigKey] : undefined;
    if (!rule)
      throw new UsageError(
        `config file '${file}': unknown key '${key}' (known: ${Object.keys(CONFIG_RULES).join(', ')})`,
      );
    if (!rule.check(value)) throw new UsageError(`config file '${file}': '${key}' must be ${rule.expected}`);
  }
  const config = parsed as ConfigFile;
  const {
    cacheRules: rules,
    purge,
    mirrors,
    mirrorRedirect,
    geoNetworks,
    load,
    offload,
    assetHosts,
  } = config;
  try {
    if (rules !== undefined) compileCachePolicy(rules);
    // One line naming the field, e.g. `purge.url must be an http:// or https:// URL`.
    if (purge !== undefined) checkPurgeTarget(purge, 'purge');
    // Kept normalised (a base URL ends in `/`), e.g. `mirrors[1].geo must be a two-letter country code …`.
    if (mirrors !== undefined) config.mirrors = checkMirrorList(mirrors, 'mirrors');
    // Kept with its defaults, e.g. `mirrorRedirect.when must be "always" or "overloaded", not "busy"`.
    if (mirrorRedirect !== undefined) config.mirrorRedirect = checkMirrorRedirect(mirrorRedirect);
    if (mirrorRedirect !== undefined && !config.mirrors?.length)
      throw new Error("mirrorRedirect needs 'mirrors' to redirect to");
    if (geoNetworks !== undefined) config.geoNetworks = checkGeoNetworks(geoNetworks);
    // Kept as given (the monitor fills in its defaults), e.g. `load.eventLoopDelayMs.low must be a number from 0 …`.
    if (load !== undefined) checkLoadSettings(load);
    // Checked whole, e.g. `offload.edges.addresses[0]: '10.0.0.0/99' has no valid prefix length`.
    if (offload !== undefined) checkOffload(offload);
    // Checked whole, e.g. `assetHosts.hosts[1].weight must be a positive number (got 0)`.
    if (assetHosts !== undefined) resolveAssetHosts(assetHosts);
  } catch (err) {
    // One line naming the rule and key, e.g. `cacheRules[1].maxAge must be a whole number of seconds ≥ 0`.
    throw new UsageError(`config file '${file}': ${(err as Error).message.replace(/^ssi\(\): /, '')}`);
  }
  return config;
}

/** The settings a command runs with, the page defaults filled in. */
export type SiteSettings = ConfigFile & Required<Pick<ConfigFile, 'ssiExtensions' | 'expressionSyntax'>>;

/**
 * The settings a command runs with: the settings its flags give (each flag that declares a config key, and the
 * purge target the three purge flags make) over the config file `--config` names, if any, with the page
 * defaults filled in. Throws a UsageError for a config file that cannot be read or is wrong.
 * @example
 * siteSettings(SERVE_FLAGS, options); // { cacheSize: 3145728 (from --cache-size 3), errorMessage: … (file), … }
 */
export function siteSettings<T extends FlagTable>(
  table: T,
  options: Partial<FlagValues<T>> & { config: string | undefined; purge: PurgeTarget | undefined },
): SiteSettings {
  const flags = { ...flagSettings(table, options), purge: options.purge };
  const file = options.config === undefined ? {} : readConfigFile(options.config);
  const settings = flagsOverFile(flags, file);
  return {
    ...settings,
    ssiExtensions: settings.ssiExtensions ?? [...DEFAULT_SSI_EXTENSIONS],
    expressionSyntax: settings.expressionSyntax ?? 'ap-expr',
  };
}
