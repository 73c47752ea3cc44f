// The caching fields of one response, SSI page and static file alike (README "Caching semantics", "Behind a CDN"):
// Cache-Control, Vary, the CDN fields, Last-Modified and the time from which it is strong, and whether codings are
// negotiated. Pure: no I/O, no clock of its own; computed once per built response, never per request.

import { mediaTypeOf } from '../engine/media-types';
import type { Diagnostic } from '../engine/diagnostics';
import { pageContentType } from '../engine/page-type';
import type { RequestDependence } from '../engine/request-dependence';
import type { Dating } from '../engine/validator-ledger';
import { virtualLastModified } from '../engine/validators';
import { cacheHeadersFor } from './cache-headers';
import type { CachePolicy } from './cache-policy';
import { cdnFieldsFor } from './cdn-headers';
import { isCompressible } from './content-coding';
import type { PurgeTagOptions } from './purge-tags';

/** What answered: an SSI page (rendered) or a static file (sent as it is on disk). */
export type ResponseKind = 'page' | 'static';

/** The settings caching fields follow, validated once when the middleware is created. */
export interface CachingSettings {
  /** Cache-Control of SSI pages that no rule matches. */
  cacheControl: string;
  /** Cache-Control of static files that no rule matches. */
  staticCacheControl: string;
  /** The `cacheRules`, consulted before the two above; undefined when there are none. @default undefined */
  rules?: CachePolicy;
  /** Smallest body sent compressed; undefined when compression is off. @default undefined */
  compressionThreshold?: number;
  /** Largest body sent compressed. @default 33554432 (DEFAULT_MAX_COMPRESS_BYTES) */
  maxCompressBytes?: number;
  /**
   * The earliest Last-Modified (ms, a whole second) of the release served: the second after the docroot switched
   * to it, a dependency of every response, so a rollback to older files never gets a 304 for a newer release's
   * date. Until that second has begun, responses carry no Last-Modified. @default 0
   */
  lastModifiedFloor?: number;
}

/** What cachingFieldsFor needs to know of one built response. */
export interface CachingFieldsInput {
  kind: ResponseKind;
  /** The docroot path of the file that answered (`/news/index.shtml`): cache rules and purge tags use it. */
  path: string;
  /** The Content-Type sent (see contentTypeOf): cache rules and compressibility use it. */
  contentType: string | undefined;
  /** The body's length in bytes. */
  length: number;
  /** Whether the body is sent from disk as it is read: such a body is never compressed. @default false */
  streamed?: boolean;
  /** What the bytes read of the request and the clock. @default nothing (a static file) */
  dependence?: RequestDependence;
  /** Every file the bytes rest on, with the mtime that dates it (a missing file counts with its folder's). */
  dependencies: ReadonlyArray<{ readonly path: string; readonly mtimeMs: number }>;
  settings: CachingSettings;
  /** Purge tags to send; undefined sends none. */
  tags: PurgeTagOptions | undefined;
  /** The time of the build, epoch ms. */
  now: number;
}

/** The caching fields of one response; frozen. */
export interface CachingFields {
  readonly cacheControl: string;
  /** Undefined when nothing varies. */
  readonly vary: string | undefined;
  /** Surrogate-Control, CDN-Cache-Control and the purge tags, in the order sent; undefined for none. */
  readonly cdnHeaders: ReadonlyArray<readonly [string, string]> | undefined;
  /** Epoch ms, a whole second: the files' date (the validator ledger may move it); undefined to send none. */
  readonly lastModified: number | undefined;
  /**
   * The time (epoch ms) from which Last-Modified is a strong validator: a response whose Date is this late or later
   * may match If-Range by date (RFC 9110 §8.8.2.2, §13.1.5). Infinity when it never is.
   */
  readonly strongFrom: number;
  /** Whether gzip and brotli are negotiated for it (its Vary then names Accept-Encoding). */
  readonly compressible: boolean;
  /** Why the purge tags were coarsened or dropped; undefined when they fit (or none are sent). */
  readonly tagProblem: Diagnostic | undefined;
}

/**
 * The caching fields of one response:
 * - Cache-Control from the first cache rule matching path and type, else the page or static default, made private
 *   or no-cache by what a page read of the request (see cacheHeadersFor), and private when no purge tag fits;
 * - Vary from the request headers read, after Accept-Encoding when codings are negotiated (RFC 9110 §12.5.5);
 * - the rule's CDN fields unless the request made the response private, then the purge tags;
 * - Last-Modified from the newest dependency, no earlier than the release's switch, never later than `now`
 *   (RFC 9110 §8.8.2.1), and none for output that read the client or the clock;
 * - strongFrom a second after both that date and the newest change (RFC 9110 §8.8.2.2).
 *
 * @example
 * const fields = cachingFieldsFor({ kind: 'static', path: '/a.css', contentType: 'text/css', length: 2048,
 *   dependencies: [{ path: '/a.css', mtimeMs }], settings, tags: undefined, now: Date.now() });
 */
export function cachingFieldsFor(input: CachingFieldsInput): CachingFields {
  const { kind, path, contentType, settings, dependencies, now } = input;
  const dependence = input.dependence ?? FILES_ONLY;
  const compressible =
    input.streamed !== true &&
    settings.compressionThreshold !== undefined &&
    isCompressible(contentType, input.length, settings.compressionThreshold, settings.maxCompressBytes);
  const rule = settings.rules?.select(path, contentType);
  const configured =
    rule?.cacheControl ?? (kind === 'page' ? settings.cacheControl : settings.staticCacheControl);
  const caching = cacheHeadersFor(dependence, { cacheControl: configured, compression: compressible });
  const tagged = cdnFieldsFor(
    {
      cacheControl: caching.cacheControl,
      // RFC 9111 §5.2.2.7 on top of the policy: a response made private for its request sends no CDN-only freshness.
      cdnHeaders: rule && caching.cacheControl === configured ? rule.cdnHeaders : undefined,
    },
    // README "Behind a CDN": a tag per dependency, missing ones included (their appearance changes the page).
    [path, ...dependencies.map((dependency) => dependency.path)],
    { tags: input.tags },
  );
  const floor = settings.lastModifiedFloor ?? 0;
  // RFC 9110 §8.8.2.1: never a Last-Modified later than the response's date; none is truthful before the floor.
  const lastModified =
    caching.sendLastModified && floor <= now
      ? Math.max(virtualLastModified(dependencies, now), floor)
      : undefined;
  let newestChange = floor;
  for (const dependency of dependencies) newestChange = Math.max(newestChange, dependency.mtimeMs);
  return Object.freeze({
    cacheControl: tagged.cacheControl,
    vary: caching.vary,
    cdnHeaders: tagged.cdnHeaders,
    lastModified,
    strongFrom: strongFromOf(lastModified, undefined, newestChange),
    compressible,
    tagProblem: tagged.diagnostic,
  });
}

/** The Last-Modified, its 304 bound and strongFrom of a response the validator ledger dated. */
export interface DatedFields {
  readonly lastModified: number | undefined;
  /** The earliest If-Modified-Since date answered 304, when later than `lastModified`. */
  readonly notModifiedSince: number | undefined;
  readonly strongFrom: number;
}

/**
 * The fields of a response dated by the validator ledger: its Last-Modified and 304 bound, strong no earlier than
 * the files' date was, and never while an earlier date could still stand for other bytes.
 */
export function datedFields(fields: Pick<CachingFields, 'strongFrom'>, dating: Dating): DatedFields {
  const { lastModified, notModifiedSince } = dating;
  return {
    lastModified,
    notModifiedSince,
    strongFrom: Math.max(fields.strongFrom, strongFromOf(lastModified, notModifiedSince, 0)),
  };
}

/**
 * The fields of a response whose files changed during every read: one that no cache keeps and no validator ever
 * confirms (see the response builder): `no-store` (RFC 9111 §5.2.2.5), no Last-Modified, nothing varies, and
 * without Surrogate-Control or CDN-Cache-Control, which a CDN would obey over Cache-Control.
 */
export function unsettledFields(fields: CachingFields): CachingFields {
  return Object.freeze({
    ...fields,
    cacheControl: 'no-store',
    vary: undefined,
    cdnHeaders: fields.cdnHeaders?.filter(([name]) => !CDN_CACHE_FIELDS.has(name.toLowerCase())),
    lastModified: undefined,
    strongFrom: Infinity,
    compressible: false,
  });
}

/** SSI output is HTML unless the page's own extension says otherwise (e.g. `.css.shtml` is not special: HTML). */
export function contentTypeOf(kind: ResponseKind, path: string): string | undefined {
  if (kind === 'page') return pageContentType(path);
  return mediaTypeOf(path) || undefined;
}

/**
 * RFC 9110 §8.8.2.2: a Last-Modified is strong when the response's Date is at least a second after it and after
 * every change it covers (`newestChange`); never while a client may hold other bytes dated `lastModified` or later
 * (a `notModifiedSince` after it, see the validator ledger).
 */
function strongFromOf(
  lastModified: number | undefined,
  notModifiedSince: number | undefined,
  newestChange: number,
): number {
  if (lastModified === undefined) return Infinity;
  if (notModifiedSince !== undefined && notModifiedSince > lastModified) return Infinity;
  return Math.max(newestChange, lastModified) + 1000;
}

/** Fields through which a CDN takes its caching orders instead of Cache-Control. */
const CDN_CACHE_FIELDS = new Set(['surrogate-control', 'cdn-cache-control']);

/** What a static file reads: nothing of the request and nothing of the clock. */
const FILES_ONLY: RequestDependence = Object.freeze({
  headers: [],
  personal: false,
  client: false,
  time: false,
  target: false,
});
