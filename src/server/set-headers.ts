// The `setHeaders` hook (koa-send's `setHeaders(res, path, stats)`): lets an app add its own fields to each file or
// page response, after the caching fields are set, without letting it change what a validator or a cache rests on.

import type { Context } from 'koa';

/** What `setHeaders` is told about the response it may add fields to. */
export interface SetHeadersInfo {
  /** An SSI page (rendered) or a static file (sent as it is). */
  kind: 'page' | 'static';
  /** The status already decided: 200, 206, 304 (RFC 9110 §15.4.5: a 304 carries the fields a 200 would), 412, 416. */
  status: number;
  /** Content-Length of this response (a range's length for 206; compressed length when coded); undefined for 304. */
  length: number | undefined;
  /** Content-Type as sent; undefined when none. */
  contentType: string | undefined;
  /** The ETag sent, quotes included; undefined when none. */
  etag: string | undefined;
  /** The Last-Modified sent (an HTTP-date); undefined when none. */
  lastModified: string | undefined;
}

/** The hook: called once per file or page response, cache hits included, before the body goes out. @default none */
export type SetHeaders = (ctx: Context, path: string, info: SetHeadersInfo) => void;

/**
 * Fields the hook may not change: the validators (a 304 or 412 was decided on them, RFC 9110 §13.2.2), the
 * framing and coding of the body, and Vary (the render cache and every CDN key their copies on it).
 */
export const PROTECTED_FIELDS = [
  'etag',
  'last-modified',
  'content-length',
  'content-encoding',
  'content-range',
  'vary',
] as const;

/**
 * Calls `setHeaders` for the response already set on `ctx`; throws (a fault of the app, answered 500 like any
 * other) when the hook changed a protected field, naming it.
 */
export function callSetHeaders(
  setHeaders: SetHeaders,
  ctx: Context,
  path: string,
  kind: SetHeadersInfo['kind'],
): void {
  const before = PROTECTED_FIELDS.map((name) => String(ctx.response.get(name)));
  setHeaders(ctx, path, {
    kind,
    status: ctx.status,
    length: ctx.status === 304 ? undefined : ctx.response.length,
    contentType: ctx.response.get('Content-Type') || undefined,
    etag: ctx.response.get('ETag') || undefined,
    lastModified: ctx.response.get('Last-Modified') || undefined,
  });
  const changed = PROTECTED_FIELDS.filter((name, index) => String(ctx.response.get(name)) !== before[index]);
  if (changed.length > 0)
    throw new Error(`ssi(): setHeaders changed ${changed.join(', ')}, which the response's caching rests on`);
}

/** Checks the option once, when the middleware is created, as koa-send does. */
export function validateSetHeaders(setHeaders: unknown): SetHeaders | undefined {
  if (setHeaders === undefined) return undefined;
  if (typeof setHeaders !== 'function') throw new TypeError("ssi(): option 'setHeaders' must be a function");
  return setHeaders as SetHeaders;
}
