// Writes a 200 (the whole body) or a 304 of a representation held in memory straight to Node's response: one field
// list per representation, handed to writeHead, instead of a setHeader per field and Koa's response handling. For
// an app where nothing after the ssi() middleware changes a response (`serve`); the fields and bytes are those the
// Koa path sends, in the same order.

import type { Context } from 'koa';
import { choosesDigests, type DigestedRepresentation, reprDigestFields } from './digest-fields';
import type { PreconditionResult } from './preconditions';
import {
  contentFieldsOf,
  type FieldedRepresentation,
  httpDateOf,
  validatorFieldsOf,
} from './representation-fields';

/** What a direct answer reads of a representation (representation.ts's Representation has it all). */
export interface DirectRepresentation extends FieldedRepresentation, DigestedRepresentation {}

/** `[name, value, name, value…]` as writeHead takes it, Date first; Date's value is filled in at each send. */
type Head = string[];

const notModifiedHeads = new WeakMap<DirectRepresentation, Head>();
const wholeBodyHeads = new WeakMap<DirectRepresentation, Head>();

/**
 * The status a direct answer gives the request after `decision`, or undefined when the Koa path must answer: a 412,
 * a range, a body read from disk, a request choosing its digests, no Content-Type (Koa would add its own), or a
 * client gone.
 */
export function directStatusOf(
  ctx: Context,
  representation: DirectRepresentation,
  decision: PreconditionResult,
): 200 | 304 | undefined {
  // Koa's respond sends nothing to a client already gone (nor counts bytes for its log line): it answers those.
  if (ctx.res.headersSent || !ctx.writable) return undefined;
  if (decision.outcome === 'not-modified') return 304;
  if (decision.outcome !== 'proceed') return undefined;
  const { headers } = ctx.req;
  if (decision.rangeAllowed && headers.range !== undefined) return undefined;
  if (representation.streamed || representation.contentType === undefined || choosesDigests(headers))
    return undefined;
  return 200;
}

/**
 * Answers `status` (from directStatusOf) with `representation` dated `now`: writes the head and ends the response
 * (the body for a GET 200; HEAD sends its fields alone, RFC 9110 §9.3.2), and tells Koa not to respond.
 */
export function writeDirectly(
  ctx: Context,
  representation: DirectRepresentation,
  status: 200 | 304,
  now: number,
): void {
  const head = status === 304 ? notModifiedHead(representation) : wholeBodyHead(representation);
  // writeHead reads the list before it returns, so one list per representation serves every request.
  head[1] = httpDateOf(now);
  ctx.respond = false;
  const { res } = ctx;
  res.writeHead(status, head);
  if (status === 200 && ctx.method !== 'HEAD') res.end(representation.body);
  else res.end();
}

/** RFC 9110 §15.4.5: a 304 sends the fields a 200 would send to describe the representation, and no content. */
function notModifiedHead(representation: DirectRepresentation): Head {
  return headOnce(notModifiedHeads, representation, () => validatorFieldsOf(representation).flat());
}

function wholeBodyHead(representation: DirectRepresentation): Head {
  return headOnce(wholeBodyHeads, representation, () => [
    ...validatorFieldsOf(representation).flat(),
    ...contentFieldsOf(representation).flat(),
    ...reprDigestFields(representation, undefined).flat(),
    'Content-Length',
    String(representation.body.length),
  ]);
}

function headOnce(
  memo: WeakMap<DirectRepresentation, Head>,
  representation: DirectRepresentation,
  make: () => string[],
): Head {
  let head = memo.get(representation);
  if (head === undefined) {
    head = ['Date', '', ...make()];
    memo.set(representation, head);
  }
  return head;
}
