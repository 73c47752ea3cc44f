// The caching fields an edge's fetch gets while the origin is loaded (README "Under load"): CDN-Cache-Control
// (RFC 9213), Surrogate-Control and Cache-Control with longer lifetimes and stale-while-revalidate / stale-if-error
// (RFC 5861), merged into the response's own fields so no lifetime is ever shortened. Pure: sets no header.

import { directiveName, parseCacheControl, splitCacheControl } from '../fields/cache-control';

/** What an edge's fetch carries while the origin is loaded; each field may be turned off with `false`. */
export interface UnderLoadSettings {
  /** Lifetimes for CDN-Cache-Control (RFC 9213). @default DEFAULT_UNDER_LOAD_CDN_CACHE_CONTROL */
  cdnCacheControl?: string | false;
  /** Lifetimes for Surrogate-Control (Fastly, Akamai). @default the `cdnCacheControl` value */
  surrogateControl?: string | false;
  /** Lifetimes for Cache-Control, which nginx and Varnish read. @default DEFAULT_UNDER_LOAD_CACHE_CONTROL */
  cacheControl?: string | false;
}

/** CDN-Cache-Control under load: a minute fresh, ten minutes served stale while refetched, a day if we fail. */
export const DEFAULT_UNDER_LOAD_CDN_CACHE_CONTROL =
  'max-age=60, stale-while-revalidate=600, stale-if-error=86400';

/** Cache-Control under load: the same lifetimes for shared caches only (`s-maxage`), so browsers keep theirs. */
export const DEFAULT_UNDER_LOAD_CACHE_CONTROL =
  's-maxage=60, stale-while-revalidate=600, stale-if-error=86400';

/** A lifetime directive and its seconds, e.g. `['stale-if-error', 86400]`. */
export type Lifetime = readonly [name: LifetimeName, seconds: number];

/** The checked settings: the lifetimes merged into each field; undefined leaves that field as it is. */
export interface ResolvedUnderLoad {
  readonly cdnCacheControl: readonly Lifetime[] | undefined;
  readonly surrogateControl: readonly Lifetime[] | undefined;
  readonly cacheControl: readonly Lifetime[] | undefined;
}

/** A response's own caching fields, as its lookup finds them (undefined when absent). */
export interface NormalCachingFields {
  readonly cacheControl: string | undefined;
  readonly cdnCacheControl: string | undefined;
  readonly surrogateControl: string | undefined;
}

/** The fields to send instead; a field left undefined is sent as it was. */
export interface UnderLoadFields {
  readonly cacheControl: string | undefined;
  readonly cdnCacheControl: string | undefined;
  readonly surrogateControl: string | undefined;
}

/** The directives an under-load value may hold: lifetimes only, so merging them can only lengthen. */
const LIFETIME_NAMES = ['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error'] as const;
type LifetimeName = (typeof LIFETIME_NAMES)[number];
const KEYS = ['cdnCacheControl', 'surrogateControl', 'cacheControl'] as const;

/**
 * Directives that forbid what under-load fields ask for (storing in a shared cache, or serving stale): a response
 * whose own fields hold one keeps them (RFC 9111 §5.2.2.2, §5.2.2.4, §5.2.2.5, §5.2.2.7, §5.2.2.8).
 */
const FORBIDDING = ['no-store', 'no-cache', 'private', 'must-revalidate', 'proxy-revalidate'];

/**
 * The `underLoad` value checked, with its defaults; undefined for `false` (under-load fields off). Throws an Error
 * whose one-line message names the field, e.g. `offload.underLoad.cacheControl may hold only max-age, …`.
 * @example checkUnderLoad({ cacheControl: false })?.cdnCacheControl // [['max-age', 60], …]
 */
export function checkUnderLoad(value: unknown, label = 'offload.underLoad'): ResolvedUnderLoad | undefined {
  if (value === false) return undefined;
  const given = value ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new Error(`${label} must be false or an object such as { "cdnCacheControl": "max-age=60" }`);
  const fields = given as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown !== undefined)
    throw new Error(`${label} has an unknown key '${unknown}' (known: ${KEYS.join(', ')})`);
  const cdnCacheControl = lifetimesOf(
    fields.cdnCacheControl,
    DEFAULT_UNDER_LOAD_CDN_CACHE_CONTROL,
    `${label}.cdnCacheControl`,
  );
  return {
    cdnCacheControl,
    surrogateControl:
      fields.surrogateControl === undefined
        ? cdnCacheControl
        : lifetimesOf(fields.surrogateControl, undefined, `${label}.surrogateControl`),
    cacheControl: lifetimesOf(fields.cacheControl, DEFAULT_UNDER_LOAD_CACHE_CONTROL, `${label}.cacheControl`),
  };
}

/**
 * The fields a response with `normal` fields is sent with to an edge under load; undefined when it must keep its
 * own (one of them forbids shared storage or stale serving, or there is no Cache-Control to lengthen). Each
 * lifetime becomes the longer of the response's and the setting's. A targeted field the response lacks starts
 * from its Cache-Control's shared lifetime (`s-maxage`, else `max-age`): RFC 9213 §2.1 has the CDN obey the
 * targeted field alone once it is present, so starting from nothing could shorten what the CDN keeps.
 * @example
 * underLoadFieldsOf({ cacheControl: 'public, max-age=0', cdnCacheControl: undefined, surrogateControl: undefined },
 *   checkUnderLoad({})!).cdnCacheControl // 'max-age=60, stale-while-revalidate=600, stale-if-error=86400'
 */
export function underLoadFieldsOf(
  normal: NormalCachingFields,
  settings: ResolvedUnderLoad,
): UnderLoadFields | undefined {
  const { cacheControl } = normal;
  if (cacheControl === undefined || forbids(cacheControl)) return undefined;
  if (normal.cdnCacheControl !== undefined && forbids(normal.cdnCacheControl)) return undefined;
  if (normal.surrogateControl !== undefined && forbids(normal.surrogateControl)) return undefined;
  const sharedBase = normal.cdnCacheControl ?? sharedLifetimeOf(cacheControl);
  return {
    cacheControl: settings.cacheControl && lengthened(cacheControl, settings.cacheControl),
    cdnCacheControl: settings.cdnCacheControl && lengthened(sharedBase, settings.cdnCacheControl),
    surrogateControl:
      settings.surrogateControl &&
      lengthened(normal.surrogateControl ?? sharedLifetimeOf(cacheControl), settings.surrogateControl),
  };
}

/** `base` with each of `lifetimes` at least as long as given: kept where longer, raised, or appended. */
export function lengthened(base: string, lifetimes: readonly Lifetime[]): string {
  const directives = splitCacheControl(base);
  const missing = new Map<string, number>(lifetimes);
  const merged = directives.map((directive) => {
    const name = directiveName(directive);
    const wanted = missing.get(name);
    if (wanted === undefined) return directive;
    missing.delete(name);
    const own = secondsOf(directive);
    return own !== undefined && own >= wanted ? directive : `${name}=${wanted}`;
  });
  for (const [name, seconds] of missing) merged.push(`${name}=${seconds}`);
  return merged.join(', ');
}

function forbids(value: string): boolean {
  const directives = parseCacheControl(value);
  return FORBIDDING.some((name) => directives.has(name));
}

/** What a shared cache keeps of `cacheControl` (RFC 9111 §5.2.2.10: s-maxage over max-age), as a targeted field. */
function sharedLifetimeOf(cacheControl: string): string {
  const directives = parseCacheControl(cacheControl);
  const fresh = directives.get('s-maxage') ?? directives.get('max-age');
  const kept: string[] = fresh === undefined ? [] : [`max-age=${fresh}`];
  for (const name of ['stale-while-revalidate', 'stale-if-error', 'immutable']) {
    const argument = directives.get(name);
    if (argument !== undefined) kept.push(argument === '' ? name : `${name}=${argument}`);
  }
  return kept.join(', ');
}

/** A directive's delta-seconds (RFC 9111 §1.2.2); undefined when it has none a cache would read. */
function secondsOf(directive: string): number | undefined {
  const equals = directive.indexOf('=');
  if (equals < 0) return undefined;
  const text = directive
    .slice(equals + 1)
    .trim()
    .replace(/^"(.*)"$/, '$1');
  return /^[0-9]{1,10}$/.test(text) ? Number(text) : undefined;
}

function lifetimesOf(value: unknown, fallback: string | undefined, label: string): Lifetime[] | undefined {
  if (value === false) return undefined;
  const text = value ?? fallback;
  if (text === undefined) return undefined;
  const wrong = `${label} must be false or lifetimes such as "max-age=60, stale-if-error=86400" (only ${LIFETIME_NAMES.join(', ')})`;
  if (typeof text !== 'string') throw new Error(wrong);
  const lifetimes: Lifetime[] = [];
  for (const directive of splitCacheControl(text)) {
    const name = directiveName(directive) as LifetimeName;
    const seconds = secondsOf(directive);
    if (!LIFETIME_NAMES.includes(name) || seconds === undefined || directive.includes('"'))
      throw new Error(wrong);
    if (lifetimes.some(([seen]) => seen === name)) throw new Error(`${label} names ${name} twice`);
    lifetimes.push([name, seconds]);
  }
  if (lifetimes.length === 0) throw new Error(wrong);
  return lifetimes;
}
