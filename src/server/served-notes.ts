// What the ssi() middleware tells the access log about one request: whether its response came from the render
// cache, and how long building it took. Kept beside the request, never in ctx.state (which belongs to the app).

import type { IncomingMessage } from 'node:http';

/**
 * Where a response came from: `hit` the render cache, `miss` built now (and stored when it may be reused),
 * `shared` the build of a concurrent request for the same URL, `bypass` built without the cache (cache off, a
 * method other than GET/HEAD), `stream` a big static file sent from disk.
 */
export type CacheOutcome = 'hit' | 'miss' | 'shared' | 'bypass' | 'stream';

/** What the middleware noted about a request it answered. */
export interface ServedNote {
  cache: CacheOutcome;
  /** Milliseconds spent building the response (reading and expanding), for a built one. */
  renderMs?: number;
  /**
   * The ETag of a response written straight to Node's response (direct-response.ts): its fields are not kept where
   * `res.getHeader` reads them.
   */
  etag?: string;
}

// A property under a symbol of this module rather than a WeakMap entry: every request gets a note, and a WeakMap
// entry per short-lived request is work for every garbage collection until the request is gone.
const NOTE = Symbol('cdn-include served note');

type NotedRequest = IncomingMessage & { [NOTE]?: ServedNote };

/** Records how the request `req` was answered; a later note for the same request replaces it. */
export function noteServed(req: IncomingMessage, note: ServedNote): void {
  (req as NotedRequest)[NOTE] = note;
}

/** How the request `req` was answered, if the middleware answered it. */
export function servedNoteOf(req: IncomingMessage): ServedNote | undefined {
  return (req as NotedRequest)[NOTE];
}

/** The note of every render-cache hit: one object, never changed, for every request it describes. */
export const CACHE_HIT_NOTE: ServedNote = Object.freeze({ cache: 'hit' });

/** Adds to the note of `req` the ETag its response was written with directly, past Koa's response. */
export function noteDirectEntityTag(req: IncomingMessage, etag: string | undefined): void {
  const note = servedNoteOf(req);
  if (note && etag !== undefined) noteServed(req, { cache: note.cache, renderMs: note.renderMs, etag });
}
