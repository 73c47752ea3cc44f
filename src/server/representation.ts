// Sends one selected representation with its validators, answering preconditions and Range (RFC 9110 §13, §14).
// Shared by SSI pages and static files so both follow exactly the same rules.

import type { Context } from 'koa';
import type { Readable } from 'node:stream';
import { type ByteRange, parseRange } from './byte-range';
import type { CachingFields } from './caching-fields';
import {
  evaluatePreconditions,
  hasPreconditions,
  type PreconditionResult,
  type RepresentationValidators,
  type RequestHeaders,
} from './preconditions';
import { fieldValue } from '../fields/http-fields';
import { BodyDigests } from '../engine/body-digests';
import { setDigestFields } from './digest-fields';
import { directStatusOf, writeDirectly } from './direct-response';
import { contentFieldsOf, type Fields, httpDateOf, validatorFieldsOf } from './representation-fields';

/** A body sent from an open file instead of memory (big static files): read only when, and where, it is sent. */
export interface StreamedBody {
  readonly length: number;
  /** A stream of the bytes of `range`; it owns the file from then on. Called at most once. */
  open(range: ByteRange): Readable;
}

/**
 * Everything needed to answer a GET or HEAD for one representation. Built once (see representationOf) and frozen:
 * the render cache shares it between requests, so a change makes a new one, never an assignment into it.
 */
export interface Representation {
  /** The bytes; empty when `streamed` sends them. */
  readonly body: Buffer;
  /** Where the bytes come from instead of `body`: never compressed, never cached in memory. */
  readonly streamed?: StreamedBody;
  /** Content-Type, sent as given (no charset is added: pages are bytes in whatever charset they were written). */
  readonly contentType: string | undefined;
  /** Strong ETag, quotes included; undefined to send none (a render that could not be read consistently). */
  readonly etag: string | undefined;
  /** Epoch ms, whole second; undefined to send no Last-Modified. */
  readonly lastModified: number | undefined;
  /**
   * The earliest If-Modified-Since date answered 304, when the validator ledger cannot vouch for every date from
   * `lastModified` on (a client may hold other bytes dated that late); undefined means `lastModified`.
   */
  readonly notModifiedSince?: number;
  /** The page and variant the validator ledger dated it as, so a doubted date can be promoted (see promoteEntry). */
  readonly datedAs?: { readonly page: string; readonly variant: string };
  /**
   * From this time on (epoch ms) Last-Modified is a strong validator (RFC 9110 §8.8.2.2): a response dated earlier,
   * within a second of a change, may not match If-Range by date. Infinity when it never is.
   */
  readonly strongFrom: number;
  readonly cacheControl: string;
  readonly vary: string | undefined;
  /** Content-Encoding of `body` (`gzip`, `br`); undefined for identity. */
  readonly contentEncoding?: string;
  /** The digests of the bytes as sent, in this coding (Repr-Digest, RFC 9530 §3). */
  readonly digests: BodyDigests;
  /** For a compressed form, the Repr-Digest value of the identity bytes (the draft Unencoded-Digest). */
  readonly unencodedDigest?: string;
  /** CDN fields (Surrogate-Key, Cache-Tag, …) sent on every status, 304 included (RFC 9111 §4.3.4: a refreshed entry takes them from the 304). */
  readonly cdnHeaders?: ReadonlyArray<readonly [string, string]>;
}

/** The bytes of a representation and what names them, besides its caching fields. */
export interface RepresentationContent {
  body: Buffer;
  streamed?: StreamedBody;
  contentType: string | undefined;
  etag: string | undefined;
  /** The digests of the bytes, when already known (a streamed file's, a body reused); else computed from `body`. */
  digests?: BodyDigests;
}

/** The frozen representation of `content` sent with `fields` (see cachingFieldsFor). */
export function representationOf(content: RepresentationContent, fields: CachingFields): Representation {
  return Object.freeze({
    body: content.body,
    streamed: content.streamed,
    contentType: content.contentType,
    etag: content.etag,
    digests: content.digests ?? BodyDigests.of(content.body),
    lastModified: fields.lastModified,
    strongFrom: fields.strongFrom,
    cacheControl: fields.cacheControl,
    vary: fields.vary,
    cdnHeaders: fields.cdnHeaders,
  });
}

/**
 * Answers the request from `representation`: 304, 412, 206, 416 or 200. Date and Last-Modified come from the
 * same clock reading `now`, so Last-Modified is never later than Date (RFC 9110 §8.8.2.1).
 *
 * @param direct write a 200 or 304 straight to Node's response (direct-response.ts), past Koa's: only where no
 *   middleware after the caller changes a response. Other answers go through Koa whatever it says.
 * @returns whether the answer was written directly (then `ctx.body` stays unset and `ctx.respond` is false).
 */
export function sendRepresentation(
  ctx: Context,
  representation: Representation,
  now: number,
  direct = false,
): boolean {
  const headers = ctx.req.headers;
  const decision = isPlainRevalidation(ctx.method, headers, representation)
    ? NOT_MODIFIED
    : isConditional(headers)
      ? evaluatePreconditions(ctx.method, headers, validatorsAt(representation, now), now)
      : UNCONDITIONAL;
  const directStatus = direct ? directStatusOf(ctx, representation, decision) : undefined;
  if (directStatus !== undefined) {
    writeDirectly(ctx, representation, directStatus, now);
    return true;
  }
  answerThroughKoa(ctx, representation, decision, now);
  return false;
}

/** The answer `decision` calls for, set on Koa's response (`ctx.status`, `ctx.body`) with its fields. */
function answerThroughKoa(
  ctx: Context,
  representation: Representation,
  { outcome, rangeAllowed }: PreconditionResult,
  now: number,
): void {
  const { body } = representation;
  setValidatorHeaders(ctx, representation, now);
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
  setFields(ctx, contentFieldsOf(representation));
  const length = representation.streamed?.length ?? body.length;
  const range = rangeAllowed ? parseRange(fieldValue(ctx.req.headers.range), length) : undefined;
  if (range === 'unsatisfiable') {
    ctx.status = 416;
    ctx.set('Content-Range', `bytes */${length}`);
    ctx.body = Buffer.alloc(0);
    return;
  }
  setDigestFields(ctx, representation, range);
  if (range) {
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${length}`);
    setBody(ctx, representation, range);
    return;
  }
  ctx.status = 200;
  setBody(ctx, representation, { start: 0, end: length - 1 });
}

/**
 * Sets the body to the bytes of `range`, with their Content-Length. A streamed body is opened for GET only:
 * HEAD sends the same Content-Length without reading anything (RFC 9110 §9.3.2).
 */
function setBody(ctx: Context, representation: Representation, range: ByteRange): void {
  const { body, streamed } = representation;
  if (!streamed) {
    // Koa keeps Content-Length from the Buffer, and sends only the headers for HEAD.
    ctx.body =
      range.start === 0 && range.end === body.length - 1 ? body : body.subarray(range.start, range.end + 1);
    return;
  }
  ctx.body = ctx.method === 'HEAD' ? Buffer.alloc(0) : streamed.open(range);
  ctx.length = range.end + 1 - range.start;
}

const UNCONDITIONAL = { outcome: 'proceed', rangeAllowed: false } as const;
const NOT_MODIFIED = { outcome: 'not-modified', rangeAllowed: false } as const;

/**
 * Whether the request is one of the two common revalidations that are answered 304 without parsing any field (the
 * warm path of a CDN revalidating): evaluatePreconditions would answer each of them not-modified as well.
 */
export function isPlainRevalidation(
  method: string,
  headers: RequestHeaders,
  representation: Representation,
): boolean {
  return (
    isPlainEtagRevalidation(method, headers, representation.etag) ||
    isPlainDateRevalidation(method, headers, representation)
  );
}

/**
 * The common revalidation, one If-None-Match equal to the current strong ETag and no If-Match or
 * If-Unmodified-Since, is a match under any comparison (RFC 9110 §13.1.2): answered without parsing.
 */
function isPlainEtagRevalidation(method: string, headers: RequestHeaders, etag: string | undefined): boolean {
  return (
    etag !== undefined &&
    headers['if-none-match'] === etag &&
    headers['if-match'] === undefined &&
    headers['if-unmodified-since'] === undefined &&
    (method === 'GET' || method === 'HEAD')
  );
}

/**
 * The other common revalidation, a lone If-Modified-Since that repeats the Last-Modified we send, to the letter:
 * LM ≤ IMS holds and the date is not in the future (LM never is), so RFC 9110 §13.1.3 says 304 without parsing.
 */
function isPlainDateRevalidation(
  method: string,
  headers: RequestHeaders,
  representation: Representation,
): boolean {
  const since = headers['if-modified-since'];
  return (
    since !== undefined &&
    representation.lastModified !== undefined &&
    (representation.notModifiedSince ?? representation.lastModified) <= representation.lastModified &&
    headers['if-none-match'] === undefined &&
    headers['if-match'] === undefined &&
    headers['if-unmodified-since'] === undefined &&
    (method === 'GET' || method === 'HEAD') &&
    since === httpDateOf(representation.lastModified)
  );
}

/**
 * The validators of `representation` as evaluatePreconditions takes them, in a response dated `now`: its
 * Last-Modified is strong from strongFrom on.
 */
export function validatorsAt(representation: Representation, now: number): RepresentationValidators {
  const { etag, lastModified, notModifiedSince, strongFrom } = representation;
  return { etag, lastModified, notModifiedSince, lastModifiedIsStrong: now >= strongFrom };
}

// RFC 9110 §13.1, §14.2: a request without preconditions or Range is answered in full, so nothing need be parsed.
function isConditional(headers: RequestHeaders): boolean {
  return headers.range !== undefined || hasPreconditions(headers);
}

function setValidatorHeaders(ctx: Context, representation: Representation, now: number): void {
  const { res } = ctx;
  if (res.headersSent) return;
  res.setHeader('Date', httpDateOf(now));
  setFields(ctx, validatorFieldsOf(representation));
}

/**
 * Sets `fields` on the response itself, as Koa's ctx.set would one by one (later middleware reads and changes them
 * through Koa as usual), without its per-field dispatch; like ctx.set, nothing once the head has gone out.
 */
function setFields(ctx: Context, fields: Fields): void {
  const { res } = ctx;
  if (res.headersSent) return;
  for (const [name, value] of fields) res.setHeader(name, value);
}
