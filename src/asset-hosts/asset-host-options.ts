// The asset-hosts configuration: its shape for library users and the config file, its checks (a TypeError naming
// the key), and its resolved form with a hash that names it in cache keys. Pure: no I/O.

import { createHash } from 'node:crypto';
import { type AssetHost } from './asset-assignment';

/** One asset host as configured: its origin, or its origin with a weight. */
export type AssetHostEntry = string | { readonly origin: string; readonly weight?: number };

/**
 * Asset hosts: the origins that serve a site's assets, so pages link assets there (README "Asset hosts"). One host
 * is the asset-host mode (a cookieless or CDN name); more shard the assets among them by weighted rendezvous hashing.
 * @example { hosts: ['https://a1.example'], paths: ['/img/', '/css/'], epoch: '2026-12-01T00:00:00Z' }
 */
export interface AssetHostsOptions {
  /** The asset origins (`https://a1.example`, no path), each with a weight (@default 1). */
  readonly hosts: readonly AssetHostEntry[];
  /** URL-path prefixes of assets (`/img/`). @default [] */
  readonly paths?: readonly string[];
  /** File extensions of assets anywhere in the site (`.png`), besides `paths`. @default [] */
  readonly extensions?: readonly string[];
  /**
   * The configuration's own date (an ISO 8601 date): the Last-Modified of a rewritten page is never older, and a
   * fleet sharing the configuration agrees on it (a file's mtime would not).
   */
  readonly epoch: string;
  /**
   * The site's canonical origin (`https://www.example`): where a page requested on an asset host is redirected,
   * what CORS mode allows, and which absolute URLs count as the site's own. @default undefined: a page requested on
   * an asset host is answered 404 (never redirected to a name taken from the request)
   */
  readonly origin?: string;
  /**
   * Further attributes holding asset URLs on any element (lazy loaders' `data-src`); a name ending in `srcset` is
   * read as a srcset. @default []
   */
  readonly attributes?: readonly string[];
  /**
   * CORS mode: elements fetched with CORS (`crossorigin`, `integrity`, `type=module`) are rewritten too, and assets
   * on an asset host carry `Access-Control-Allow-Origin` and `Timing-Allow-Origin` for `origin`. @default false
   */
  readonly cors?: boolean;
}

/** The checked configuration, as the rewriter and the server use it. */
export interface ResolvedAssetHosts {
  readonly hosts: readonly AssetHost[];
  readonly paths: readonly string[];
  /** Lower case, each with its dot. */
  readonly extensions: readonly string[];
  /** The epoch, ms since 1970. */
  readonly epochMs: number;
  readonly origin: string | undefined;
  /** Extra attribute names (lower case) and how their value is read. */
  readonly attributes: ReadonlyMap<string, 'url' | 'srcset'>;
  readonly cors: boolean;
  /** A hash of everything above: equal configurations share it, and any change changes it. */
  readonly hash: string;
}

/** An origin as configured, checked: scheme http or https, a host, no path, query or credentials. */
export function originOf(value: unknown, key: string): string {
  const text = typeof value === 'string' ? value.replace(/\/$/, '') : '';
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.origin !== text)
    throw new TypeError(`${key} must be an origin like "https://a1.example" (got ${JSON.stringify(value)})`);
  return url.origin;
}

function hostOf(entry: unknown, index: number): AssetHost {
  const key = `assetHosts.hosts[${index}]`;
  if (typeof entry === 'string') return { origin: originOf(entry, key), weight: 1 };
  if (typeof entry !== 'object' || entry === null)
    throw new TypeError(`${key} must be an origin or { "origin": …, "weight": … }`);
  const { origin, weight = 1 } = entry as { origin?: unknown; weight?: unknown };
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0)
    throw new TypeError(`${key}.weight must be a positive number (got ${JSON.stringify(weight)})`);
  return { origin: originOf(origin, `${key}.origin`), weight };
}

function stringsOf(value: unknown, key: string, check: (item: string) => boolean, shape: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && check(item)))
    throw new TypeError(`${key} must be a list of ${shape} (got ${JSON.stringify(value)})`);
  return value as string[];
}

/**
 * Checks `options` and resolves them; throws a TypeError naming the first wrong key.
 * @example resolveAssetHosts({ hosts: ['https://a1.example'], paths: ['/img/'], epoch: '2026-12-01T00:00:00Z' })
 */
export function resolveAssetHosts(options: AssetHostsOptions): ResolvedAssetHosts {
  if (
    typeof options !== 'object' ||
    options === null ||
    !Array.isArray(options.hosts) ||
    options.hosts.length === 0
  )
    throw new TypeError('assetHosts.hosts must be a non-empty list of origins');
  const hosts = options.hosts.map(hostOf);
  const names = new Set(hosts.map((host) => host.origin));
  if (names.size !== hosts.length) throw new TypeError('assetHosts.hosts must name each origin once');
  const paths = stringsOf(
    options.paths,
    'assetHosts.paths',
    (path) => path.startsWith('/'),
    'paths starting with "/"',
  );
  const extensions = stringsOf(
    options.extensions,
    'assetHosts.extensions',
    (ext) => /^\.[^./]+$/.test(ext),
    'extensions like ".png"',
  ).map((ext) => ext.toLowerCase());
  if (paths.length === 0 && extensions.length === 0)
    throw new TypeError('assetHosts.paths (or assetHosts.extensions) must say which URLs are assets');
  const epochMs = typeof options.epoch === 'string' ? Date.parse(options.epoch) : Number.NaN;
  if (!Number.isFinite(epochMs))
    throw new TypeError(
      `assetHosts.epoch must be an ISO 8601 date like "2026-12-01T00:00:00Z" (got ${JSON.stringify(options.epoch)})`,
    );
  const origin = options.origin === undefined ? undefined : originOf(options.origin, 'assetHosts.origin');
  if (origin !== undefined && names.has(origin))
    throw new TypeError('assetHosts.origin must not be an asset host');
  const extra = stringsOf(
    options.attributes,
    'assetHosts.attributes',
    (name) => /^[a-z][a-z0-9:_-]*$/i.test(name),
    'attribute names',
  );
  const attributes = new Map(
    extra.map(
      (name) => [name.toLowerCase(), name.toLowerCase().endsWith('srcset') ? 'srcset' : 'url'] as const,
    ),
  );
  if (options.cors !== undefined && typeof options.cors !== 'boolean')
    throw new TypeError(`assetHosts.cors must be true or false (got ${JSON.stringify(options.cors)})`);
  const cors = options.cors ?? false;
  // The CORS fields name the one origin allowed: without it, CORS mode would move elements that then fail.
  if (cors && origin === undefined)
    throw new TypeError('assetHosts.cors needs assetHosts.origin (the origin to allow)');
  const hash = createHash('sha256')
    .update(JSON.stringify({ hosts, paths, extensions, epochMs, origin, attributes: [...attributes], cors }))
    .digest('base64url')
    .slice(0, 16);
  return { hosts, paths, extensions, epochMs, origin, attributes, cors, hash };
}

/** Whether the (canonical) path names an asset: under one of `paths`, or with one of `extensions`. */
export function isAssetPath(path: string, config: ResolvedAssetHosts): boolean {
  for (const prefix of config.paths) if (path.startsWith(prefix)) return true;
  if (config.extensions.length === 0) return false;
  const lower = path.toLowerCase();
  return config.extensions.some((ext) => lower.endsWith(ext));
}
