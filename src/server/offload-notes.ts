// What the offload step decided for one request and why, kept beside the request for the access log, the metrics
// and the health check (never in ctx.state, which belongs to the app); and the running count of those decisions.

import type { IncomingMessage } from 'node:http';

/**
 * What was done: `307` redirected, `503` refused for now (an edge under critical load), `400` refused, `-` served
 * here.
 */
export type OffloadDecision = '307' | '503' | '400' | '-';

/**
 * Why (README "Under load"): a rule that redirected (`always`, `overloaded`, `referrer`); a guard that kept the
 * request here (`loop-guard`: CDN-Loop or Via names our edge; `edge-address`; `own-host`; `bounce`: the bounce-back
 * marker); `amplification` (Host repeats the CDN suffix: 400); `not-modified` (answered 304 here); `normal` (no rule
 * wanted a redirect); `method` (neither GET nor HEAD); `path` (outside the offload paths); `no-file` (no file to
 * send: 404, 403, a folder's 301).
 */
export type OffloadReason =
  | 'always'
  | 'overloaded'
  | 'referrer'
  | 'loop-guard'
  | 'edge-address'
  | 'own-host'
  | 'bounce'
  | 'amplification'
  | 'not-modified'
  | 'normal'
  | 'method'
  | 'path'
  | 'no-file';

/** One request's decision and reason. */
export interface OffloadNote {
  decision: OffloadDecision;
  reason: OffloadReason;
}

const notes = new WeakMap<IncomingMessage, OffloadNote>();

/** Records what was decided for `req`; a later note replaces it. */
export function noteOffload(req: IncomingMessage, decision: OffloadDecision, reason: OffloadReason): void {
  notes.set(req, { decision, reason });
}

/** What was decided for `req`, if an offload step saw it. */
export function offloadNoteOf(req: IncomingMessage): OffloadNote | undefined {
  return notes.get(req);
}

/** The counts the health check shows: redirects, and every decision by `decision reason`. */
export interface OffloadCounts {
  redirects: number;
  decisions: Record<string, number>;
}

/**
 * Counts the decisions of the requests it observes, when each response ends, for the life of the process.
 * @example const tally = new OffloadTally(); res.once('close', () => tally.count(req)); tally.counts().redirects
 */
export class OffloadTally {
  private readonly byDecision = new Map<string, number>();
  private redirects = 0;

  /** Counts the decision noted for `req`, if any. */
  count(req: IncomingMessage): void {
    const note = notes.get(req);
    if (!note) return;
    if (note.decision === '307') this.redirects++;
    const key = `${note.decision} ${note.reason}`;
    this.byDecision.set(key, (this.byDecision.get(key) ?? 0) + 1);
  }

  /** The counts so far. */
  counts(): OffloadCounts {
    return { redirects: this.redirects, decisions: Object.fromEntries(this.byDecision) };
  }
}
