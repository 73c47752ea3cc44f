// The access log: one record per request, taken when the response has finished or the client went away (so it
// holds the status and bytes the client really got), written as Apache's Combined Log Format or as JSON.

import type { ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import { escapeLogItem } from './log-escape';
import { offloadNoteOf, type OffloadNote } from './offload-notes';
import { servedNoteOf, type CacheOutcome } from './served-notes';
import { byteLengthOf, CountedResponse } from './counted-response';
import { formattedPerSecond } from '../fields/per-second';

/** The formats of the access log: Apache's Combined Log Format with fields appended, or one JSON object a line. */
export const LOG_FORMATS = ['combined', 'json'] as const;

/** An access log format (README "Running in production", "Logs"). */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What the access log knows about one request once its response is over. */
export interface AccessLogRecord {
  /** When the request arrived, in ms since the epoch (Apache's `%t`). */
  time: number;
  /** The visitor's address: the peer, or X-Forwarded-For's through trusted proxies (`%h`). */
  client: string;
  /** The address of the connection's other end. */
  peer: string;
  /** None for a request Node refused before its request line was read (malformed, too large, too slow). */
  method: string | undefined;
  /** The request target as received; none where the method is none. */
  target: string | undefined;
  /** `HTTP/1.1`; none where the method is none. */
  protocol: string | undefined;
  /** The status sent (Apache's `%>s`). */
  status: number;
  /** Bytes of the body sent, without the header (Apache's `%b`, `%B`). */
  bytes: number;
  referer: string | undefined;
  userAgent: string | undefined;
  /** The ETag sent. */
  etag: string | undefined;
  /** Milliseconds from the request's arrival to the response's end (Apache's `%D`, in ms); none where the method is none. */
  durationMs: number | undefined;
  /** Milliseconds spent building the response; none for a cache hit or a response the middleware did not build. */
  renderMs: number | undefined;
  /** Where the response came from; none when the ssi() middleware did not answer. */
  cache: CacheOutcome | undefined;
  /** False when the connection closed before the whole response was sent. */
  completed: boolean;
  /**
   * What offloading decided and why (README "Under load"); none unless offload is configured, so other logs keep
   * their shape. `-` for both when the request never reached the offload step.
   */
  offload?: OffloadNote | { decision: '-'; reason: '-' };
}

/** Options of accessLogMiddleware. */
export interface AccessLogOptions {
  /** Receives each line, without its newline. */
  write: (line: string) => void;
  /** @default 'combined' */
  format?: LogFormat;
  /** Log each request's offload decision and reason (set when offload is configured). @default false */
  offload?: boolean;
}

/**
 * Logs every request when its response ends, whatever ended it: sent in full, failed after its headers, or cut
 * short by the client. Use it first, so every other middleware runs inside it.
 * @example app.use(accessLogMiddleware(app, { write: (line) => process.stdout.write(`${line}\n`) }));
 */
export function accessLogMiddleware(app: Koa, options: AccessLogOptions): Middleware {
  const format = lineFormatter(options.format);
  const offload = options.offload === true;
  // Koa hands every error that reaches a request's ctx.onerror to the app's 'error' event with that context (a body
  // stream failing after the head went out, a socket error): one listener notes them all. A wrapper of ctx.onerror
  // per request did the same and cost 7 µs of a 57 µs warm response (each context then held a closure of its own).
  const failed = new WeakSet<Context>();
  app.on('error', (_err: unknown, ctx?: Context) => {
    if (ctx) failed.add(ctx);
  });
  return (ctx, next) => {
    const request = new LoggedRequest(ctx, offload, failed);
    // 'close' follows 'finish' for a complete response and comes alone when the connection went first.
    ctx.res.on('close', () => options.write(format(request.record())));
    return next();
  };
}

/** The function that writes a record as one line of `format`. */
export function lineFormatter(format: LogFormat = 'combined'): (record: AccessLogRecord) => string {
  return format === 'json' ? formatJsonLine : formatCombinedLine;
}

/**
 * `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`, Apache's "combined", then ` key=value` fields that
 * GoAccess and AWStats skip: `etag`, `time_ms`, `render_ms`, `cache`, `end` (`-` where there is no value), and
 * with offload configured `offload` and `reason` (README "Under load").
 * @example
 * // 203.0.113.9 - - [03/Dec/2026:22:05:01 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"
 * //   etag="1f-abc" time_ms=1.9 render_ms=1.2 cache=miss end=complete   (on one line)
 */
export function formatCombinedLine(record: AccessLogRecord): string {
  // Apache logs `"-"` for a connection that sent no request line it could read.
  const requestLine =
    record.method === undefined ? '-' : escapeLogItem(`${record.method} ${record.target} ${record.protocol}`);
  const combined =
    `${record.client} - - [${formatClfTime(record.time)}] "${requestLine}" ` +
    `${record.status} ${record.bytes === 0 ? '-' : record.bytes} ` +
    `"${quotedItem(record.referer)}" "${quotedItem(record.userAgent)}"`;
  const line =
    `${combined} etag=${record.etag === undefined ? '-' : escapeEntityTag(record.etag)}` +
    ` time_ms=${record.durationMs === undefined ? '-' : record.durationMs.toFixed(1)}` +
    ` render_ms=${record.renderMs === undefined ? '-' : record.renderMs.toFixed(1)}` +
    ` cache=${record.cache ?? '-'} end=${record.completed ? 'complete' : 'aborted'}`;
  return record.offload ? `${line} offload=${record.offload.decision} reason=${record.offload.reason}` : line;
}

/**
 * One JSON object: `time` (ISO 8601, UTC), `client`, `peer`, `method`, `url`, `protocol`, `status`, `bytes`,
 * `referer`, `userAgent`, `etag` (null when absent), `durationMs`, `renderMs`, `cache`, `completed`, and with
 * offload configured `offload` and `offloadReason`. Text received
 * as bytes is read as UTF-8 (an invalid sequence becomes U+FFFD); JSON escapes the rest.
 */
export function formatJsonLine(record: AccessLogRecord): string {
  const fields = {
    time: new Date(record.time).toISOString(),
    client: record.client,
    peer: record.peer,
    method: record.method ?? null,
    url: record.target === undefined ? null : fromBytes(record.target),
    protocol: record.protocol ?? null,
    status: record.status,
    bytes: record.bytes,
    referer: record.referer === undefined ? null : fromBytes(record.referer),
    userAgent: record.userAgent === undefined ? null : fromBytes(record.userAgent),
    etag: record.etag ?? null,
    durationMs: record.durationMs === undefined ? null : round(record.durationMs),
    renderMs: record.renderMs === undefined ? null : round(record.renderMs),
    cache: record.cache ?? null,
    completed: record.completed,
  };
  if (!record.offload) return JSON.stringify(fields);
  return JSON.stringify({
    ...fields,
    offload: record.offload.decision,
    offloadReason: record.offload.reason,
  });
}

/**
 * The status the client got. A response that ended before its header went out sent none: logged as 500 when a
 * failure cut it short (Koa destroys the connection when a body stream fails before its first byte), as 499
 * (nginx's "client closed request") when the client left first.
 */
export function loggedStatus(res: ServerResponse, failed: boolean): number {
  if (res.headersSent) return res.statusCode;
  return failed ? 500 : CLIENT_CLOSED_REQUEST;
}

/** The offload fields of a request that never reached the offload step. */
const NOT_SCREENED = { decision: '-', reason: '-' } as const;

/** nginx's status for a request whose client closed the connection before the response; GoAccess knows it. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * One request on its way to the log: what is known when it arrives, and what its response does until it ends. A
 * class with every field set in the constructor, so each request's record has the same shape (this runs on every
 * request; the record is built field by field, never by spreading, which V8 makes slow).
 */
class LoggedRequest {
  private readonly time = Date.now();
  private readonly started = performance.now();
  // Taken now: once the connection is gone its socket no longer knows the peer.
  private readonly peer: string;
  private readonly client: string;
  // Taken now: a step below may rewrite req.url (the offload step takes its bounce-back marker off).
  private readonly target: string;
  private bytes = 0;

  constructor(
    private readonly ctx: Context,
    private readonly offload: boolean,
    /** The contexts whose ctx.onerror got an error: a failure after the middleware returned. */
    private readonly failed: WeakSet<Context>,
  ) {
    this.target = ctx.req.url ?? '';
    this.peer = ctx.req.socket.remoteAddress ?? '-';
    this.client = ctx.request.ip || this.peer;
    // A server made with CountedResponse counts already; a response of any other server is counted here.
    if (!(ctx.res instanceof CountedResponse)) this.countBodyBytes(ctx.res);
  }

  /** The record, once the response has ended. */
  record(): AccessLogRecord {
    const { req, res } = this.ctx;
    const note = servedNoteOf(req);
    const etag = note?.etag ?? res.getHeader('ETag');
    return {
      time: this.time,
      client: this.client,
      peer: this.peer,
      method: req.method ?? '-',
      target: this.target,
      protocol: `HTTP/${req.httpVersion}`,
      status: loggedStatus(res, this.failed.has(this.ctx)),
      bytes: res instanceof CountedResponse ? res.bodyBytes : this.bytes,
      referer: req.headers.referer,
      userAgent: req.headers['user-agent'],
      etag: typeof etag === 'string' ? etag : undefined,
      durationMs: performance.now() - this.started,
      renderMs: note?.renderMs,
      cache: note?.cache,
      completed: res.writableFinished,
      offload: this.offload ? (offloadNoteOf(req) ?? NOT_SCREENED) : undefined,
    };
  }

  /**
   * Counts the body bytes handed to `res` (what Apache's `%b` reports: the header excluded); a HEAD or 304 writes
   * none. Node's write and end take (chunk, encoding, callback) with any trailing ones left out; passing them on
   * as undefined means the same.
   */
  private countBodyBytes(res: ServerResponse): void {
    const { write, end } = res;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrappers' own `this` is the response
    const request = this;
    res.write = function (this: ServerResponse, chunk: unknown, encoding?: unknown, callback?: unknown) {
      request.bytes += byteLengthOf(chunk, encoding);
      return Reflect.apply(write, this, [chunk, encoding, callback]) as boolean;
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, chunk?: unknown, encoding?: unknown, callback?: unknown) {
      request.bytes += byteLengthOf(chunk, encoding);
      return Reflect.apply(end, this, [chunk, encoding, callback]) as ServerResponse;
    } as ServerResponse['end'];
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Apache's `%t` without brackets, in UTC: `03/Dec/2026:22:05:01 +0000`. */
export const formatClfTime = formattedPerSecond(clfTimeOf);

function clfTimeOf(time: number): string {
  const date = new Date(time);
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/** A header's value inside a quoted field: `-` when absent, as Apache logs a missing `%{…}i`. */
function quotedItem(value: string | undefined): string {
  return value === undefined ? '-' : escapeLogItem(value);
}

/**
 * An ETag as sent (`"x"`, `W/"x"`), its own quotes kept so it reads as in the header; what is inside them escaped
 * (RFC 9110 §8.8.3: etagc excludes DQUOTE, so a well-formed tag has only its two).
 */
function escapeEntityTag(etag: string): string {
  const parts = /^(W\/)?"([^"]*)"$/.exec(etag);
  return parts ? `${parts[1] ?? ''}"${escapeLogItem(parts[2])}"` : escapeLogItem(etag);
}

/** Node hands a request's bytes over as Latin-1 characters; this reads them as the UTF-8 they usually are. */
function fromBytes(text: string): string {
  return Buffer.from(text, 'latin1').toString('utf8');
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 10) / 10;
}
