// Offloading under load (README "Under load"): a GET or HEAD for a file is answered with a 307 to the configured CDN
// or mirror base when the rule says so, unless a loop guard keeps it here or a 304 can answer it; every request's
// decision and reason is noted for the log. Decides and answers; never reads a file itself.

import type { Context } from 'koa';
import type { LoadSignal } from './load-signal';
import { checkOffload, type OffloadConfig, type ResolvedOffload } from './offload-config';
import { edgeRequestReason, isOwnHost, repeatsCdnSuffix, withoutBounceMarker } from './offload-guards';
import { noteOffload, offloadNoteOf, type OffloadReason } from './offload-notes';
import { evaluatePreconditions, hasPreconditions } from './preconditions';
import { type Representation, validatorsAt } from './representation';

/**
 * The ssi() option offloading is made from. It follows ssi()'s `loadSignal`: `shed()` is asked once per redirectable
 * request under `when: "overloaded"` (without a signal nothing is shed), `level()` whether an edge's fetch gets 503.
 */
export interface OffloadOptions {
  /**
   * Redirect requests to a CDN or mirror under load, with loop guards and a decision in every log line (README
   * "Under load"). @default none
   */
  offload?: OffloadConfig;
}

/** The offload step of the middleware: screened at the start of each request, asked again where it would be sent. */
export interface Offload {
  /** The checked `offload` option, for the steps that follow it (the under-load fields of edge fetches). */
  readonly config: ResolvedOffload;
  /**
   * The loop guards, before anything is read: notes the request's reason so far, takes the bounce-back marker off
   * the request-target, and answers 400 for a Host repeating the CDN suffix; true when it answered.
   */
  screen(ctx: Context): boolean;
  /**
   * Where the response would be sent: answers with a 307 (or, for an edge under critical load, a 503) when the rule
   * wants it and `notModified` (asked only for a conditional request) says no 304 answers it here; true when it
   * answered, false to send as usual.
   */
  answer(ctx: Context, notModified: () => boolean | Promise<boolean>): Promise<boolean>;
  /**
   * The same decision before anything is built, for a request that no 304 can answer (it has no validator fields),
   * so a redirect under load costs no render; true when it answered. A conditional request is left to `answer`.
   */
  answerBeforeBuild(ctx: Context): Promise<boolean>;
}

/** Seconds an edge refused under critical load is asked to wait (RFC 9110 §10.2.3). */
export const EDGE_RETRY_AFTER_SECONDS = 5;

/**
 * The offload step for `options` following `signal` (ssi()'s checked `loadSignal`), or undefined without `offload`
 * (so a site without it pays one check per request). Misuse is a TypeError naming the option, as for every ssi()
 * option.
 * @example offloadOf({ offload: { to: 'https://cdn.example.net/' } }, loadSignal)
 */
export function offloadOf(options: OffloadOptions, signal: LoadSignal | undefined): Offload | undefined {
  if (options.offload === undefined) return undefined;
  let config: ResolvedOffload;
  try {
    config = checkOffload(options.offload, "option 'offload'");
  } catch (err) {
    throw new TypeError(`ssi(): ${(err as Error).message}`, { cause: err });
  }
  return new OffloadStep(config, signal);
}

class OffloadStep implements Offload {
  constructor(
    readonly config: ResolvedOffload,
    private readonly signal: LoadSignal | undefined,
  ) {}

  screen(ctx: Context): boolean {
    const { req } = ctx;
    const { config } = this;
    const host = req.headers.host;
    if (repeatsCdnSuffix(host, config.toHost)) {
      noteOffload(req, '400', 'amplification');
      refuseAmplification(ctx);
      return true;
    }
    const target = req.url ?? '/';
    const unmarked = withoutBounceMarker(target, config.bounceParam);
    // Served as the unmarked URL is: one render-cache entry, the same bytes, whatever marker the edge added.
    if (unmarked !== undefined) req.url = unmarked;
    noteOffload(req, '-', unmarked !== undefined ? 'bounce' : this.reasonToKeep(ctx, host));
    return false;
  }

  /** Why the request stays here whatever the load, or `no-file` while it may still be redirected. */
  private reasonToKeep(ctx: Context, host: string | undefined): OffloadReason {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return 'method';
    const path = pathOf(ctx.originalUrl);
    if (path === undefined || !this.config.paths.some((prefix) => path.startsWith(prefix))) return 'path';
    if (isOwnHost(host, this.config.ownHosts)) return 'own-host';
    return edgeRequestReason(ctx, this.config) ?? 'no-file';
  }

  async answer(ctx: Context, notModified: () => boolean | Promise<boolean>): Promise<boolean> {
    const { req } = ctx;
    const reason = offloadNoteOf(req)?.reason;
    if (reason === 'loop-guard' || reason === 'edge-address')
      return this.answerEdge(ctx, reason, notModified);
    // Any other reason is a guard's or a refusal's, already final.
    if (reason !== 'no-file') return false;
    const decided = await this.decide(ctx, notModified);
    const redirected = decided !== 'not-modified' && decided !== 'normal';
    noteOffload(req, redirected ? '307' : '-', decided);
    if (redirected) this.redirect(ctx);
    return redirected;
  }

  answerBeforeBuild(ctx: Context): Promise<boolean> {
    return isConditional(ctx) ? Promise.resolve(false) : this.answer(ctx, () => false);
  }

  /** The reason of a request no guard kept: the rule that redirects it, else `not-modified` or `normal`. */
  private async decide(ctx: Context, notModified: () => boolean | Promise<boolean>): Promise<OffloadReason> {
    const rule = this.rule(ctx);
    if (rule === undefined) return 'normal';
    return isConditional(ctx) && (await notModified()) ? 'not-modified' : rule;
  }

  /** Which rule redirects this request, if any; asks the load signal at most once. */
  private rule(ctx: Context): OffloadReason | undefined {
    const { when } = this.config;
    if (when === 'always') return 'always';
    if (when === 'overloaded') return this.signal?.shed() === true ? 'overloaded' : undefined;
    return when.referrerOrigins.has(refererOrigin(ctx.req.headers.referer)) ? 'referrer' : undefined;
  }

  /** Guard (a): an edge's fetch is never redirected; under critical load, what no 304 answers gets 503. */
  private async answerEdge(
    ctx: Context,
    reason: OffloadReason,
    notModified: () => boolean | Promise<boolean>,
  ): Promise<boolean> {
    if (this.signal?.level() !== 'critical') return false;
    if (isConditional(ctx) && (await notModified())) return false;
    noteOffload(ctx.req, '503', reason);
    ctx.status = 503;
    ctx.set('Retry-After', String(EDGE_RETRY_AFTER_SECONDS));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/plain';
    ctx.body = '503 Service Unavailable\n';
    return true;
  }

  /**
   * The 307 (RFC 9110 §15.4.8: the method and body are kept): Location is the base plus the path and query as
   * received, from configuration alone. Stored by no cache (RFC 9213 CDN-Cache-Control and Surrogate-Control for the
   * CDNs that ignore Cache-Control when they are present); no validators, no purge tags, no Retry-After.
   */
  private redirect(ctx: Context): void {
    const location = offloadLocation(this.config.to, ctx.originalUrl);
    ctx.status = 307;
    ctx.set('Location', location);
    ctx.set('Cache-Control', 'no-store');
    ctx.set('CDN-Cache-Control', 'no-store');
    ctx.set('Surrogate-Control', 'no-store');
    ctx.type = 'text/plain';
    ctx.body = `307 Temporary Redirect: ${location}\n`;
  }
}

/**
 * The redirect's Location: `base` (ending in `/`) plus the path and query of `target` as received, byte for byte.
 * An absolute-form target (`http://host/x`) gives its path only: no host of the request ever reaches Location.
 * @example offloadLocation('https://cdn.example.net/', '/a%20b/?q=1&r') // 'https://cdn.example.net/a%20b/?q=1&r'
 */
export function offloadLocation(base: string, target: string): string {
  return base + (pathAndQueryOf(target) ?? '/').slice(1);
}

/** The origin-form part of a request-target: itself, or an absolute form's path and query; none for `*`. */
function pathAndQueryOf(target: string): string | undefined {
  if (target.startsWith('/')) return target;
  const scheme = target.indexOf('://');
  if (scheme <= 0) return undefined;
  const rest = target.slice(scheme + 3);
  const end = rest.search(/[/?]/);
  if (end < 0) return '/';
  return rest[end] === '/' ? rest.slice(end) : `/${rest.slice(end)}`;
}

function pathOf(target: string): string | undefined {
  const origin = pathAndQueryOf(target);
  if (origin === undefined) return undefined;
  const query = origin.indexOf('?');
  return query < 0 ? origin : origin.slice(0, query);
}

function isConditional(ctx: Context): boolean {
  return hasPreconditions(ctx.req.headers);
}

/** The origin of a Referer (RFC 9110 §10.1.3), serialised as configured origins are; '' when it has none. */
function refererOrigin(referer: string | undefined): string {
  if (referer === undefined || !URL.canParse(referer)) return '';
  const origin = new URL(referer).origin;
  return origin === 'null' ? '' : origin;
}

/** Whether `representation` answers this conditional GET or HEAD with 304 (RFC 9110 §13.2.2). */
export function isNotModifiedFor(
  ctx: Context,
  representation: Representation | undefined,
  now: number,
): boolean {
  if (representation === undefined) return false;
  const validators = validatorsAt(representation, now);
  return evaluatePreconditions(ctx.method, ctx.req.headers, validators, now).outcome === 'not-modified';
}

function refuseAmplification(ctx: Context): void {
  ctx.status = 400;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'text/plain';
  ctx.body = '400 Bad Request: Host repeats the offload host name\n';
}
