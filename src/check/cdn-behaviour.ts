// What a shared cache (a CDN edge) does with a response, from its status and header fields alone (RFC 9111 §3,
// §4.1–§4.3, §5.2.2; RFC 5861). Pure: no I/O and no clock; the `check` command and its tests use it.

import { parseHttpDate } from '../fields/http-date';
import { parseCacheControl } from '../fields/cache-control';
import { listMembers } from '../fields/http-fields';

/** Where a response's freshness lifetime comes from (RFC 9111 §4.2.1, §4.2.2). */
export type FreshnessSource = 's-maxage' | 'max-age' | 'expires' | 'heuristic' | 'none';

/** A conditional request field a cache sends to revalidate, with the value it replays. */
export interface RevalidationValidator {
  field: 'If-None-Match' | 'If-Modified-Since';
  value: string;
}

/** What a shared cache does with one response. */
export interface SharedCacheBehaviour {
  /** A shared cache may store the response (RFC 9111 §3). */
  storable: boolean;
  /** Why it may not, citing the directive or status; undefined when storable. */
  notStorableBecause: string | undefined;
  /** Seconds the stored response is fresh from its generation (RFC 9111 §4.2.1). */
  freshnessLifetime: number;
  freshnessSource: FreshnessSource;
  /** Seconds of that lifetime already used when it arrived (the Age field, RFC 9111 §5.1). */
  age: number;
  /** `no-cache`: stored, but revalidated before every reuse (RFC 9111 §5.2.2.4). */
  revalidatesEveryUse: boolean;
  /** The fields a stale copy is revalidated with, If-None-Match first (RFC 9111 §4.3.1). */
  validators: RevalidationValidator[];
  /** Seconds a stale copy may be served while it is revalidated in the background (RFC 5861 §3). */
  staleWhileRevalidate: number;
  /** Seconds a stale copy may be served when the origin fails (RFC 5861 §4). */
  staleIfError: number;
  /** The directive that forbids serving it stale without validation (RFC 9111 §4.2.4), if any. */
  staleForbiddenBy: 'must-revalidate' | 'proxy-revalidate' | 's-maxage' | undefined;
  /** Request fields that select among stored variants (RFC 9111 §4.1), as the response spells them. */
  varyOn: string[];
  /** `Vary: *`: no stored copy ever matches a later request (RFC 9111 §4.1). */
  varyAny: boolean;
}

/** Response fields read, by lower-case name; absent fields are undefined. */
export type CacheRelevantHeaders = Readonly<Partial<Record<string, string>>>;

/** RFC 9110 §15.1: status codes a cache may store with a heuristic lifetime. */
export const HEURISTICALLY_CACHEABLE_STATUSES: ReadonlySet<number> = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
]);

/** RFC 9111 §4.2.2: the usual heuristic is a fraction of the time since Last-Modified; 10% is typical. */
export const HEURISTIC_FRACTION = 0.1;

/**
 * Describes what a shared cache does with a response: whether it stores it, for how long it is fresh, how it
 * revalidates, when it may serve it stale, and what its cache key varies on.
 * @example
 * sharedCacheBehaviour(200, { 'cache-control': 'public, max-age=60', etag: '"a"' });
 * // { storable: true, freshnessLifetime: 60, freshnessSource: 'max-age', validators: [{ field: 'If-None-Match', value: '"a"' }], … }
 */
export function sharedCacheBehaviour(status: number, headers: CacheRelevantHeaders): SharedCacheBehaviour {
  const directives = parseCacheControl(headers['cache-control']);
  const vary = listMembers(headers.vary);
  const freshness = freshnessLifetime(status, headers, directives);
  return {
    storable: notStorableReason(status, headers, directives) === undefined,
    notStorableBecause: notStorableReason(status, headers, directives),
    ...freshness,
    age: deltaSeconds(headers.age) ?? 0,
    // RFC 9111 §5.2.2.4: unqualified no-cache; the qualified form only strips the named fields.
    revalidatesEveryUse: directives.get('no-cache') === '',
    validators: validatorsOf(headers),
    staleWhileRevalidate: deltaSeconds(directives.get('stale-while-revalidate')) ?? 0,
    staleIfError: deltaSeconds(directives.get('stale-if-error')) ?? 0,
    staleForbiddenBy: (['must-revalidate', 'proxy-revalidate', 's-maxage'] as const).find((name) =>
      directives.has(name),
    ),
    varyOn: vary.filter((name) => name !== '*'),
    varyAny: vary.includes('*'),
  };
}

function notStorableReason(
  status: number,
  headers: CacheRelevantHeaders,
  directives: Map<string, string>,
): string | undefined {
  if (directives.has('no-store')) return 'Cache-Control: no-store (RFC 9111 §5.2.2.5)';
  // RFC 9111 §5.2.2.7: unqualified private forbids shared caches; the qualified form only strips fields.
  if (directives.get('private') === '') return 'Cache-Control: private (RFC 9111 §5.2.2.7)';
  if (status < 200 || status === 304)
    return `status ${status} is not a final response to store (RFC 9111 §3)`;
  const explicit =
    directives.has('public') ||
    directives.has('max-age') ||
    directives.has('s-maxage') ||
    headers.expires !== undefined;
  if (!explicit && !HEURISTICALLY_CACHEABLE_STATUSES.has(status)) {
    return `status ${status} is not heuristically cacheable and nothing makes it explicitly so (RFC 9111 §3)`;
  }
  return undefined;
}

/** RFC 9111 §4.2.1: for a shared cache s-maxage, then max-age, then Expires − Date, then a heuristic. */
function freshnessLifetime(
  status: number,
  headers: CacheRelevantHeaders,
  directives: Map<string, string>,
): { freshnessLifetime: number; freshnessSource: FreshnessSource } {
  for (const name of ['s-maxage', 'max-age'] as const) {
    const value = directives.get(name);
    // RFC 9111 §4.2.1: a response with invalid freshness information is best treated as stale.
    if (value !== undefined) return { freshnessLifetime: deltaSeconds(value) ?? 0, freshnessSource: name };
  }
  const date = parseHttpDate(headers.date);
  if (headers.expires !== undefined) {
    // RFC 9111 §5.3: an invalid Expires (e.g. "0") means already expired.
    const expires = parseHttpDate(headers.expires);
    const lifetime = expires === undefined || date === undefined ? 0 : Math.max(0, (expires - date) / 1000);
    return { freshnessLifetime: Math.floor(lifetime), freshnessSource: 'expires' };
  }
  const lastModified = parseHttpDate(headers['last-modified']);
  const heuristic = HEURISTICALLY_CACHEABLE_STATUSES.has(status) || directives.has('public');
  if (heuristic && lastModified !== undefined && date !== undefined && date > lastModified) {
    const lifetime = Math.floor(((date - lastModified) / 1000) * HEURISTIC_FRACTION);
    return { freshnessLifetime: lifetime, freshnessSource: 'heuristic' };
  }
  return { freshnessLifetime: 0, freshnessSource: 'none' };
}

function validatorsOf(headers: CacheRelevantHeaders): RevalidationValidator[] {
  const validators: RevalidationValidator[] = [];
  // RFC 9111 §4.3.1: send the entity-tag in If-None-Match, and Last-Modified in If-Modified-Since.
  if (headers.etag !== undefined) validators.push({ field: 'If-None-Match', value: headers.etag });
  if (headers['last-modified'] !== undefined) {
    validators.push({ field: 'If-Modified-Since', value: headers['last-modified'] });
  }
  return validators;
}

/** RFC 9111 §1.2.2: delta-seconds = 1*DIGIT; anything else is invalid. */
function deltaSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
