// Cache policy for one render (README "Caching semantics" and "Behind a CDN"): Cache-Control, Vary, and whether Last-Modified is sent,
// from what the render read of the request and the clock. Pure: no I/O; does not set headers itself.

import { canonicalHeaderName } from '../engine/header-names';
import { type RequestDependence } from '../engine/request-dependence';
import { isSendableFieldValue, isToken } from '../fields/http-fields';
import { directiveName, splitCacheControl } from '../fields/cache-control';

/** The configured Cache-Control for SSI output when none is given (RFC 9111 §4.2.2: explicit, so no cache applies heuristic freshness). */
export const DEFAULT_CACHE_CONTROL = 'public, max-age=0';

/** Options of cacheHeadersFor. */
export interface CacheHeaderOptions {
  /** Cache-Control for a render that depends only on files; check it once with validateCacheControl.
   * @default DEFAULT_CACHE_CONTROL */
  cacheControl?: string;
  /** Whether the response's content-coding is negotiated from Accept-Encoding. @default false */
  compression?: boolean;
}

/** The caching fields for one response; `vary` is undefined when nothing varies. */
export interface CacheHeadersResult {
  cacheControl: string;
  vary: string | undefined;
  sendLastModified: boolean;
}

// RFC 9111 §5.2.2.10, §5.2.2.8: directives that only shared caches obey; meaningless next to `private`.
const SHARED_ONLY_DIRECTIVES = new Set(['s-maxage', 'proxy-revalidate']);

/**
 * Chooses Cache-Control, Vary and Last-Modified for a render from its request dependence.
 *
 * - header-dependent: Vary lists the headers (case-insensitive dedup, first-seen order, canonical case,
 *   never Host), after `Accept-Encoding` when compression is negotiable (RFC 9110 §12.5.5);
 * - personal (Cookie, Authorization): `public` becomes `private` and shared-cache-only directives
 *   (s-maxage, proxy-revalidate) are dropped, the rest kept;
 * - client (REMOTE_*, printenv): `private, no-cache` (plus `no-store` if configured), no Last-Modified;
 * - time (DATE_*): no Last-Modified; the content-hash ETag still validates.
 *
 * @example
 * cacheHeadersFor({ headers: ['Accept-Language'], personal: false, client: false, time: false }, { compression: true })
 * // { cacheControl: 'public, max-age=0', vary: 'Accept-Encoding, Accept-Language', sendLastModified: true }
 */
export function cacheHeadersFor(
  dependence: RequestDependence,
  options: CacheHeaderOptions,
): CacheHeadersResult {
  const configured = options.cacheControl ?? DEFAULT_CACHE_CONTROL;
  const varyNames = varyList(dependence.headers, options.compression ?? false);
  return {
    cacheControl: cacheControlFor(dependence, configured),
    vary: varyNames.length === 0 ? undefined : varyNames.join(', '),
    // RFC 9110 §8.8.2: a Last-Modified would claim the bytes changed no later than it; clock or client input breaks that.
    sendLastModified: !dependence.client && !dependence.time,
  };
}

/**
 * Checks a configured Cache-Control value when the middleware or build is created, and returns it.
 *
 * Throws TypeError naming the option for a value that is not a string, is empty, or holds a character
 * that cannot appear in a header field (CR and LF would allow header injection). It does not judge the
 * directives themselves: unknown directives are legal (RFC 9111 §5.2.3).
 *
 * @param optionName - the option named in the error. @default 'cacheControl'
 * @example validateCacheControl('public, max-age=60, stale-while-revalidate=30')
 */
export function validateCacheControl(value: unknown, optionName = 'cacheControl'): string {
  const problem = cacheControlProblem(value);
  if (problem !== undefined) {
    throw new TypeError(
      `Option '${optionName}' must be a Cache-Control value such as '${DEFAULT_CACHE_CONTROL}'; ${problem}`,
    );
  }
  return value as string;
}

function cacheControlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `got ${value === null ? 'null' : typeof value}`;
  if (splitCacheControl(value).length === 0) return 'got an empty value';
  // RFC 9110 §5.5: CR, LF and NUL in a field value are invalid; a line break would inject a header.
  if (/[\r\n]/.test(value)) return 'got a line break (CR or LF)';
  if (!isSendableFieldValue(value)) return 'got a control or non-ASCII character';
  return undefined;
}

function cacheControlFor(dependence: RequestDependence, configured: string): string {
  const directives = splitCacheControl(configured);
  if (dependence.client) {
    // RFC 9111 §5.2.2.7: client-dependent output is never shared and always revalidated.
    const noStore = directives.some((directive) => directiveName(directive) === 'no-store');
    return noStore ? 'private, no-cache, no-store' : 'private, no-cache';
  }
  if (dependence.personal) return makePrivate(directives).join(', ');
  return configured;
}

/**
 * The Cache-Control of a response no shared cache may store: `public` becomes `private`, s-maxage and
 * proxy-revalidate go, the rest stays for the browser.
 *
 * @example sharedUncacheable('public, max-age=60, s-maxage=600') // 'private, max-age=60'
 */
export function sharedUncacheable(cacheControl: string): string {
  return makePrivate(splitCacheControl(cacheControl)).join(', ');
}

// RFC 9111 §5.2.2.7: `private` keeps shared caches from storing; a qualified private="…" would not, so it
// becomes unqualified. `public` would override it and is replaced in place.
function makePrivate(directives: string[]): string[] {
  const result: string[] = [];
  for (const directive of directives) {
    const name = directiveName(directive);
    if (SHARED_ONLY_DIRECTIVES.has(name)) continue;
    if (name === 'public' || name === 'private') {
      if (!result.includes('private')) result.push('private');
      continue;
    }
    result.push(directive);
  }
  return result.includes('private') ? result : ['private', ...result];
}

function varyList(headers: string[], compression: boolean): string[] {
  const names = compression ? ['Accept-Encoding', ...headers] : headers;
  const seen = new Set<string>();
  const result: string[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    // RFC 9110 §12.5.5: never Host (it selects the resource, not a variant). A name that is not a token (or `*`,
    // which would mean "varies on everything") names no header a request can carry, so nothing varied on it.
    if (lower === 'host' || lower === '*' || !isToken(name) || seen.has(lower)) continue;
    seen.add(lower);
    result.push(canonicalHeaderName(name));
  }
  return result;
}
