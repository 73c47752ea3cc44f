// The cache policy (mod_expires' role; README "Behind a CDN"): rules matched by URL-path glob and content type that set
// Cache-Control and, optionally, Surrogate-Control and CDN-Cache-Control. Pure: no I/O; validated once.

import picomatch from 'picomatch';
import { isMediaRange, isSendableFieldValue } from '../fields/http-fields';
import { describeWholeNumber, isWholeNumber, type WholeNumberRange } from '../fields/whole-number';

/** A lifetime in a rule: delta-seconds (RFC 9111 §1.2.2). */
const SECONDS: WholeNumberRange = { min: 0, unit: 'seconds' };

/** One rule; the first rule whose `path` and `type` both match a response decides its caching fields. */
export interface CachePolicyRule {
  /**
   * URL-path glob matched against the whole decoded path: `*` any characters but `/`, `**` any characters
   * (`/**` also matches nothing, so `/**\/*.css` covers `/a.css`), `?` one character but `/`, `{a,b}`, `[ab]`,
   * `!(x)` (see pathGlobMatcher). @default every path
   */
  path?: string;
  /** Content type, `text/html`, or a family, `image/*` (parameters ignored). @default every type */
  type?: string;
  /** `max-age=N`: seconds fresh in browsers and, without s-maxage, in CDNs. @default 0 */
  maxAge?: number;
  /** `s-maxage=N`: seconds fresh in shared caches (CDNs) only. @default not sent */
  sMaxAge?: number;
  /** `stale-while-revalidate=N` (RFC 5861): seconds a stale copy may be served while revalidating. @default not sent */
  staleWhileRevalidate?: number;
  /** `stale-if-error=N` (RFC 5861): seconds a stale copy may be served when the origin fails. @default not sent */
  staleIfError?: number;
  /** `must-revalidate`: never serve stale (disables the two above at most CDNs). @default false */
  mustRevalidate?: boolean;
  /** `immutable` (RFC 8246): the URL's content never changes (fingerprinted assets). @default false */
  immutable?: boolean;
  /** `private` instead of `public`: browsers only, no CDN. @default false */
  private?: boolean;
  /** `no-store` alone: nothing stores the response. @default false */
  noStore?: boolean;
  /** Surrogate-Control value (Fastly, Akamai), e.g. `max-age=86400`. @default not sent */
  surrogateControl?: string;
  /** CDN-Cache-Control value (RFC 9213), e.g. `max-age=86400`. @default not sent */
  cdnCacheControl?: string;
}

/** What the matching rule sets: a Cache-Control and the CDN-only fields to send beside it. */
export interface CacheDirectives {
  cacheControl: string;
  cdnHeaders: ReadonlyArray<readonly [string, string]>;
}

/** Rules compiled once; `select` answers per response. */
export interface CachePolicy {
  /** The directives of the first rule matching `path` and `contentType`; undefined when none matches. */
  select(path: string, contentType: string | undefined): CacheDirectives | undefined;
}

const SECONDS_KEYS = ['maxAge', 'sMaxAge', 'staleWhileRevalidate', 'staleIfError'] as const;
const FLAG_KEYS = ['mustRevalidate', 'immutable', 'private', 'noStore'] as const;
const STRING_KEYS = ['path', 'type', 'surrogateControl', 'cdnCacheControl'] as const;
const KNOWN_KEYS: ReadonlySet<string> = new Set([...SECONDS_KEYS, ...FLAG_KEYS, ...STRING_KEYS]);

/**
 * Checks and compiles `rules` (the `cacheRules` option); throws TypeError naming the rule and key for an unknown
 * key, a wrong type, a bad glob or type, a header value with a line break, or a contradiction (`private` with
 * `sMaxAge` or CDN fields).
 *
 * @example
 * const policy = compileCachePolicy([{ path: '/assets/**', maxAge: 31536000, immutable: true }]);
 * policy.select('/assets/app.3f2a.js', 'text/javascript')?.cacheControl; // 'public, max-age=31536000, immutable'
 */
export function compileCachePolicy(rules: unknown, optionName = 'cacheRules'): CachePolicy {
  if (!Array.isArray(rules)) throw new TypeError(`ssi(): option '${optionName}' must be a list of rules`);
  const compiled = rules.map((rule, index) => compileRule(rule, `ssi(): ${optionName}[${index}]`));
  return {
    select(path, contentType) {
      const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
      for (const rule of compiled) if (rule.matches(path, type)) return rule.directives;
      return undefined;
    },
  };
}

/**
 * The matcher of a rule's `path` glob, over the whole decoded path (picomatch, `dot: true` since the server has
 * already refused every dotfile but `/.well-known/`): `*` and `?` within a segment, `**` across segments (also
 * none: `/**\/*.css` matches `/a.css`), braces `{a,b}`, classes `[ab]`, `[^ab]`, extglobs `!(x)`, `+(a|b)`.
 * @example pathGlobMatcher('/{css,js}/**')('/js/app.js') // true
 */
export function pathGlobMatcher(glob: string): (path: string) => boolean {
  if (!glob.startsWith('/')) return picomatch(glob, GLOB_OPTIONS);
  // picomatch reads a leading `/**/` as one folder at least; under a fixed first segment, `**` may be none.
  const anchored = picomatch(`${ROOT_SEGMENT}${glob}`, GLOB_OPTIONS);
  return (path) => anchored(`${ROOT_SEGMENT}${path}`);
}

const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true };
const ROOT_SEGMENT = 'root';

function compileRule(rule: unknown, name: string) {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule))
    throw new TypeError(`${name} must be an object`);
  const record = rule as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_KEYS.has(key))
      throw new TypeError(`${name}: unknown key '${key}' (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  for (const key of SECONDS_KEYS) {
    const value = record[key];
    if (value !== undefined && !isWholeNumber(value, SECONDS)) {
      throw new TypeError(`${name}.${key} must be ${describeWholeNumber(SECONDS)}`);
    }
  }
  for (const key of FLAG_KEYS) {
    if (record[key] !== undefined && typeof record[key] !== 'boolean')
      throw new TypeError(`${name}.${key} must be true or false`);
  }
  for (const key of STRING_KEYS) {
    const value = record[key];
    // RFC 9110 §5.5: visible ASCII, spaces and tabs only; a line break would inject a header.
    if (
      value !== undefined &&
      (typeof value !== 'string' || !isSendableFieldValue(value) || value.trim() === '')
    ) {
      throw new TypeError(`${name}.${key} must be a non-empty string of visible ASCII characters`);
    }
  }
  const typed = record as CachePolicyRule;
  if (typed.path !== undefined && !typed.path.startsWith('/') && !typed.path.startsWith('*')) {
    throw new TypeError(`${name}.path must start with '/' or '*', as URL paths do: '${typed.path}'`);
  }
  // picomatch reads `[!ab]` as `[!ab]` literally or one of `!`, `a`, `b`: never what was meant.
  if (typed.path?.includes('[!'))
    throw new TypeError(`${name}.path: write a negated class as [^…], not [!…]: '${typed.path}'`);
  if (typed.type !== undefined && !isMediaRange(typed.type)) {
    throw new TypeError(
      `${name}.type must be a media type such as 'text/html' or 'image/*': '${typed.type}'`,
    );
  }
  if (typed.private && (typed.sMaxAge !== undefined || typed.surrogateControl || typed.cdnCacheControl)) {
    throw new TypeError(
      `${name}: 'private' keeps CDNs from storing, so sMaxAge, surrogateControl and cdnCacheControl make no sense with it`,
    );
  }
  return {
    matches: matcherOf(typed),
    directives: { cacheControl: cacheControlOf(typed), cdnHeaders: cdnHeadersOf(typed) },
  };
}

function matcherOf(rule: CachePolicyRule): (path: string, type: string) => boolean {
  const path = rule.path === undefined ? undefined : pathGlobMatcher(rule.path);
  const type = rule.type?.toLowerCase();
  const family = type?.endsWith('/*') ? type.slice(0, -1) : undefined;
  return (candidatePath, candidateType) =>
    (path === undefined || path(candidatePath)) &&
    (type === undefined ||
      type === '*/*' ||
      (family !== undefined ? candidateType.startsWith(family) : candidateType === type));
}

// RFC 9111 §4.2.2: always an explicit freshness (max-age defaults to 0), so no cache applies a heuristic.
function cacheControlOf(rule: CachePolicyRule): string {
  if (rule.noStore) return rule.private ? 'private, no-store' : 'no-store';
  const directives = [rule.private ? 'private' : 'public', `max-age=${rule.maxAge ?? 0}`];
  if (rule.sMaxAge !== undefined) directives.push(`s-maxage=${rule.sMaxAge}`);
  if (rule.mustRevalidate) directives.push('must-revalidate');
  if (rule.staleWhileRevalidate !== undefined)
    directives.push(`stale-while-revalidate=${rule.staleWhileRevalidate}`);
  if (rule.staleIfError !== undefined) directives.push(`stale-if-error=${rule.staleIfError}`);
  if (rule.immutable) directives.push('immutable');
  return directives.join(', ');
}

function cdnHeadersOf(rule: CachePolicyRule): Array<readonly [string, string]> {
  const headers: Array<readonly [string, string]> = [];
  if (rule.surrogateControl !== undefined) headers.push(['Surrogate-Control', rule.surrogateControl.trim()]);
  if (rule.cdnCacheControl !== undefined) headers.push(['CDN-Cache-Control', rule.cdnCacheControl.trim()]);
  return headers;
}
