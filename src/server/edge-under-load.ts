// In-band control of our edges under load (README "Under load"): while the load signal is not `normal`, a file or
// page response of ssi() to an edge's fetch (200, 206 or 304) is sent with longer caching fields, so the edge keeps serving what it has
// instead of coming back. Applied at send time only: the render cache never holds them, so the normal policy
// returns with the next response once load falls. Must not touch any other response, nor any validator.

import type { Context, Middleware, Next } from 'koa';
import type { LoadSignal } from './load-signal';
import type { Offload } from './offload';
import { isEdgeRequest } from './offload-guards';
import { servedNoteOf } from './served-notes';
import { type ResolvedUnderLoad, underLoadFieldsOf, type UnderLoadFields } from './under-load-fields';

/** What the step needs: the load, who our edges are, and the fields to send them. */
export interface EdgeUnderLoadOptions {
  /** The origin's load signal; only its `level()` is read, once per response. */
  signal: LoadSignal;
  /** Whether the request is a fetch of one of our edges (its CDN-Loop, Via or address). */
  isEdgeRequest: (ctx: Context) => boolean;
  /** The checked `underLoad` setting (see checkUnderLoad). */
  settings: ResolvedUnderLoad;
}

/**
 * Statuses whose caching fields an edge stores or refreshes: the file and page answers (RFC 9110 §15.4.5: a 304
 * updates the stored response's fields, so it carries the same under-load fields as a 200).
 */
const CONTROLLED_STATUSES = new Set([200, 206, 304]);

/** Distinct normal field sets remembered with their under-load fields; beyond it the memo starts again. */
const MEMO_SIZE = 256;

/** The under-load step of ssi(), and which requests it changes the answer of now. */
export interface EdgeUnderLoad {
  /** The step, put around ssi(). */
  middleware: Middleware;
  /** Whether the step will change the fields of ssi()'s 200, 206 or 304 to this request, read now. */
  actsOn(ctx: Context): boolean;
}

/**
 * The step ssi() puts around itself for `offload` (with its `underLoad`) and `signal`; undefined without either, or
 * with `underLoad: false`, so a site without them pays nothing per request.
 */
export function edgeUnderLoadOf(
  offload: Offload | undefined,
  signal: LoadSignal | undefined,
): EdgeUnderLoad | undefined {
  const settings = offload?.config.underLoad;
  if (offload === undefined || signal === undefined || settings === undefined) return undefined;
  const edges = offload.config;
  const options = { signal, settings, isEdgeRequest: (ctx: Context) => isEdgeRequest(ctx, edges) };
  return { middleware: edgeUnderLoadMiddleware(options), actsOn: (ctx) => actsNow(options, ctx) };
}

/** While the load is not normal, our edges' fetches get the longer fields. */
function actsNow({ signal, isEdgeRequest }: EdgeUnderLoadOptions, ctx: Context): boolean {
  return signal.level() !== 'normal' && isEdgeRequest(ctx);
}

/**
 * The Koa step that lengthens the caching fields of ssi()'s responses to our edges while the origin is loaded; put
 * it around ssi() (it acts after `next()`, before Koa writes the head).
 * @example
 * app.use(edgeUnderLoadMiddleware({ signal, isEdgeRequest, settings: checkUnderLoad({})! }));
 * app.use(ssi({ root: 'site' }));
 */
export function edgeUnderLoadMiddleware(options: EdgeUnderLoadOptions): Middleware {
  const { settings } = options;
  // Responses share a few field sets (one per cache rule): each is merged once, not per request.
  const memo = new Map<string, UnderLoadFields | null>();
  const fieldsFor = (cacheControl: string, cdnCacheControl: string, surrogateControl: string) => {
    const key = `${cacheControl}\n${cdnCacheControl}\n${surrogateControl}`;
    let fields = memo.get(key);
    if (fields === undefined) {
      if (memo.size >= MEMO_SIZE) memo.clear();
      fields =
        underLoadFieldsOf(
          {
            cacheControl: cacheControl || undefined,
            cdnCacheControl: cdnCacheControl || undefined,
            surrogateControl: surrogateControl || undefined,
          },
          settings,
        ) ?? null;
      memo.set(key, fields);
    }
    return fields;
  };
  return async function edgeUnderLoad(ctx: Context, next: Next): Promise<void> {
    await next();
    // A file or page ssi() answered (not a response of another middleware after it) to one of our edges.
    if (!CONTROLLED_STATUSES.has(ctx.status) || servedNoteOf(ctx.req) === undefined) return;
    if (!actsNow(options, ctx)) return;
    const fields = fieldsFor(
      ctx.response.get('Cache-Control'),
      ctx.response.get('CDN-Cache-Control'),
      ctx.response.get('Surrogate-Control'),
    );
    if (fields === null) return;
    if (fields.cacheControl !== undefined) ctx.set('Cache-Control', fields.cacheControl);
    if (fields.cdnCacheControl !== undefined) ctx.set('CDN-Cache-Control', fields.cdnCacheControl);
    if (fields.surrogateControl !== undefined) ctx.set('Surrogate-Control', fields.surrogateControl);
  };
}
