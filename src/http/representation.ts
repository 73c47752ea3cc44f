// Sends one selected representation with its validators, answering preconditions and Range (RFC 9110 §13, §14).
// Shared by SSI pages and static files so both follow exactly the same rules.

import type { Context } from 'koa';
import { parseRange } from './byte-range';
import { formatHttpDate } from './http-date';
import { evaluatePreconditions } from './preconditions';

/** Everything needed to answer a GET or HEAD for one representation. */
export interface Representation {
  body: Buffer;
  /** Content-Type, sent as given (no charset is added: pages are bytes in whatever charset they were written). */
  contentType: string | undefined;
  /** Strong ETag, quotes included. */
  etag: string;
  /** Epoch ms, whole second; undefined to send no Last-Modified. */
  lastModified: number | undefined;
  /** False while a dependency changed within the last second (RFC 9110 §8.8.2.2): If-Range may not match by date. */
  lastModifiedIsStrong: boolean;
  cacheControl: string;
  vary: string | undefined;
}

/**
 * Answers the request from `representation`: 304, 412, 206, 416 or 200. Date and Last-Modified come from the
 * same clock reading `now`, so Last-Modified is never later than Date (RFC 9110 §8.8.2.1).
 */
export function sendRepresentation(ctx: Context, representation: Representation, now: number): void {
  const { body } = representation;
  setValidatorHeaders(ctx, representation, now);
  const { outcome, rangeAllowed } = evaluatePreconditions(ctx.method, ctx.req.headers, representation, now);
  if (outcome === 'not-modified') {
    // RFC 9110 §15.4.5: a 304 keeps ETag, Cache-Control, Vary, Date (and we keep Last-Modified); no body, no length.
    ctx.status = 304;
    return;
  }
  if (outcome === 'precondition-failed') {
    ctx.status = 412;
    ctx.remove('Last-Modified');
    ctx.body = '';
    return;
  }
  ctx.set('Accept-Ranges', 'bytes');
  if (representation.contentType) ctx.set('Content-Type', representation.contentType);
  const range = rangeAllowed ? parseRange(headerString(ctx.req.headers.range), body.length) : undefined;
  if (range === 'unsatisfiable') {
    ctx.status = 416;
    ctx.set('Content-Range', `bytes */${body.length}`);
    ctx.body = Buffer.alloc(0);
    return;
  }
  if (range) {
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${body.length}`);
    ctx.body = body.subarray(range.start, range.end + 1);
    return;
  }
  ctx.status = 200;
  ctx.body = body;
  // Koa keeps Content-Length from the Buffer; HEAD then sends the same length with no body (RFC 9110 §9.3.2).
}

function setValidatorHeaders(ctx: Context, representation: Representation, now: number): void {
  ctx.set('Date', formatHttpDate(now));
  ctx.set('ETag', representation.etag);
  if (representation.lastModified !== undefined) ctx.set('Last-Modified', formatHttpDate(representation.lastModified));
  ctx.set('Cache-Control', representation.cacheControl);
  if (representation.vary) ctx.set('Vary', representation.vary);
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
