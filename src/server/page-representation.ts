// Turns a rendered SSI page into a Representation: ETag from the bytes, virtual Last-Modified from the
// dependency set (the validator ledger then dates it, see representation-dating), Cache-Control and Vary from
// request dependence.

import { lookup as mimeLookup } from 'mime-types';
import { RenderResult } from '../engine/render';
import { RenderRequest } from '../engine/render-request';
import { ValidatorLedger } from '../engine/validator-ledger';
import { entityTagOf, floorToSecond, isLastModifiedStrong, virtualLastModified } from '../engine/validators';
import { cacheHeadersFor } from './cache-headers';
import { CachePolicy } from './cache-policy';
import { isCompressible } from './content-coding';
import { Representation } from './representation';

/** How SSI pages are cached. */
export interface PageCachePolicy {
  cacheControl: string;
  /** The `cacheRules`, consulted before `cacheControl`; undefined when there are none. @default undefined */
  rules?: CachePolicy;
  /** Dates every representation so a Last-Modified never vouches for other bytes; undefined to date by files only. */
  ledger: ValidatorLedger | undefined;
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

/** Builds the representation of a successful render at time `now`. */
export function pageRepresentation(
  request: RenderRequest,
  result: Extract<RenderResult, { status: 'ok' }>,
  policy: PageCachePolicy,
  now: number,
): Representation {
  const etag = entityTagOf(result.body);
  const contentType = ssiContentType(request.path);
  const compression =
    policy.compressionThreshold !== undefined &&
    isCompressible(contentType, result.body.length, policy.compressionThreshold, policy.maxCompressBytes);
  const rule = policy.rules?.select(request.path, contentType);
  const configured = rule?.cacheControl ?? policy.cacheControl;
  const caching = cacheHeadersFor(result.requestDependence, { cacheControl: configured, compression });
  let lastModified: number | undefined;
  if (caching.sendLastModified) {
    const floor = policy.lastModifiedFloor ?? 0;
    // RFC 9110 §8.8.2.1: never a Last-Modified later than the response's date; none is truthful meanwhile.
    if (floor <= now) lastModified = Math.max(virtualLastModified(result.dependencies, now), floor);
  }
  return {
    body: result.body,
    contentType,
    etag,
    lastModified,
    lastModifiedIsStrong:
      lastModified !== undefined &&
      isLastModifiedStrong(result.dependencies, now) &&
      lastModified < floorToSecond(now),
    cacheControl: caching.cacheControl,
    vary: caching.vary,
    // RFC 9111 §5.2.2.7 on top of the policy: a page made private for its request sends no CDN-only freshness.
    cdnHeaders: rule && caching.cacheControl === configured ? rule.cdnHeaders : undefined,
  };
}

/** SSI output is HTML unless the page's own extension says otherwise (e.g. `.css.shtml` is not special: HTML). */
function ssiContentType(path: string): string {
  const type = mimeLookup(path);
  return type && type.startsWith('text/') ? type : 'text/html';
}
