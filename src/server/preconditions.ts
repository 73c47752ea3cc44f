// Conditional request evaluation, RFC 9110 §13.2.2 in its exact order (steps 1–6).
// Pure: no I/O, no Koa. Never use Koa's ctx.fresh / jshttp fresh for this: they skip If-Match and If-Range.

import type { RequestHeaders } from '../engine/render-request';
import { floorToSecond } from '../engine/validators';
import {
  type EntityTag,
  isStrongMatch,
  isWeakMatch,
  parseEntityTag,
  parseEntityTagList,
} from '../fields/entity-tag';
import { parseHttpDate } from '../fields/http-date';
import { fieldValue } from '../fields/http-fields';

export type { RequestHeaders };

// RFC 9110 §13.1: the fields that make a request conditional; without any of them no 304 or 412 can answer it.
const PRECONDITION_FIELDS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since'] as const;

/** Whether `headers` carry a precondition (RFC 9110 §13.1), so a 304 or 412 could answer the request. */
export function hasPreconditions(headers: RequestHeaders): boolean {
  for (const name of PRECONDITION_FIELDS) if (headers[name] !== undefined) return true;
  return false;
}

/** The validators of the representation the unconditional request would have selected. */
export interface RepresentationValidators {
  /** The ETag field value as sent, quotes included (e.g. `"abc"`); absent when none is sent. */
  etag?: string;
  /** The Last-Modified value in epoch ms (whole seconds); absent when none is sent. */
  lastModified?: number;
  /**
   * The earliest If-Modified-Since date that proves the client holds the current bytes, when later than
   * `lastModified` (see the validator ledger); absent means `lastModified`.
   */
  notModifiedSince?: number;
  /** Whether Last-Modified may act as a strong validator for If-Range (RFC 9110 §8.8.2.2). */
  lastModifiedIsStrong: boolean;
}

/** What to do with the request: carry on (200/206), answer 304, or answer 412. */
export type PreconditionOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

/** The decision of evaluatePreconditions. */
export interface PreconditionResult {
  outcome: PreconditionOutcome;
  /** True iff a Range request may be honoured: a GET that proceeds with If-Range passed or absent. */
  rangeAllowed: boolean;
}

// RFC 9110 §13.2.1: methods that do not select a representation ignore every precondition.
const METHODS_WITHOUT_PRECONDITIONS = new Set(['OPTIONS', 'TRACE', 'CONNECT']);

/**
 * Evaluates If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since and If-Range against the current
 * validators, in the order of RFC 9110 §13.2.2.
 *
 * Call it only when the response would otherwise be 2xx (§13.2.1: a 404 ignores all preconditions). A
 * malformed field is treated as absent. Repeated list fields (an array) are joined with commas, as
 * RFC 9110 §5.3 allows; a date field or If-Range given more than once is invalid, hence ignored (If-Range
 * then fails, so the full representation is sent). Method names are case-sensitive (§9.1).
 *
 * @param now - the origin's clock in epoch ms: an If-Modified-Since later than this is ignored, and it fixes
 *   the century of RFC 850 dates.
 * @example
 * evaluatePreconditions('GET', { 'if-none-match': '"abc"' }, { etag: '"abc"', lastModifiedIsStrong: true }, Date.now())
 * // { outcome: 'not-modified', rangeAllowed: false }
 */
export function evaluatePreconditions(
  method: string,
  requestHeaders: RequestHeaders,
  validators: RepresentationValidators,
  now: number,
): PreconditionResult {
  if (METHODS_WITHOUT_PRECONDITIONS.has(method)) return { outcome: 'proceed', rangeAllowed: false };
  const outcome = evaluateOutcome(method, requestHeaders, validators, now);
  const rangeAllowed =
    outcome === 'proceed' && method === 'GET' && ifRangePasses(requestHeaders, validators, now);
  return { outcome, rangeAllowed };
}

function evaluateOutcome(
  method: string,
  headers: RequestHeaders,
  validators: RepresentationValidators,
  now: number,
): PreconditionOutcome {
  const isGetOrHead = method === 'GET' || method === 'HEAD';
  const currentTag = validators.etag === undefined ? undefined : parseEntityTag(validators.etag);
  const lastModified =
    validators.lastModified === undefined ? undefined : floorToSecond(validators.lastModified);

  const ifMatch = parseEntityTagList(listField(headers['if-match']));
  if (ifMatch !== undefined) {
    // Step 1, RFC 9110 §13.1.1: strong comparison; "*" is true because a 2xx representation exists.
    if (!listMatches(ifMatch, currentTag, isStrongMatch)) return 'precondition-failed';
  } else {
    // Step 2, RFC 9110 §13.1.4: only without If-Match, only with a valid date and a Last-Modified.
    const ifUnmodifiedSince = parseHttpDate(singleField(headers['if-unmodified-since']), now);
    if (ifUnmodifiedSince !== undefined && lastModified !== undefined && lastModified > ifUnmodifiedSince) {
      return 'precondition-failed';
    }
  }

  const ifNoneMatch = parseEntityTagList(listField(headers['if-none-match']));
  if (ifNoneMatch !== undefined) {
    // Step 3, RFC 9110 §13.1.2: weak comparison; when it passes, If-Modified-Since is skipped.
    if (!listMatches(ifNoneMatch, currentTag, isWeakMatch)) return 'proceed';
    return isGetOrHead ? 'not-modified' : 'precondition-failed';
  }

  // Step 4, RFC 9110 §13.1.3: GET/HEAD only; RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since.
  if (!isGetOrHead || lastModified === undefined) return 'proceed';
  const ifModifiedSince = parseHttpDate(singleField(headers['if-modified-since']), now);
  // RFC 9110 §13.1.3: a date later than the origin's clock is ignored (RFC 2616 §14.25, Apache).
  if (ifModifiedSince === undefined || ifModifiedSince > now) return 'proceed';
  const provenFrom = Math.max(lastModified, validators.notModifiedSince ?? lastModified);
  return provenFrom <= ifModifiedSince ? 'not-modified' : 'proceed';
}

/** Step 5, RFC 9110 §13.1.5: If-Range counts only together with Range; a validator that fails drops Range. */
function ifRangePasses(headers: RequestHeaders, validators: RepresentationValidators, now: number): boolean {
  if (!isPresent(headers['range']) || !isPresent(headers['if-range'])) return true;
  const value = singleField(headers['if-range']);
  if (value === undefined) return false;
  if (value.startsWith('"') || value.startsWith('W/')) {
    // RFC 9110 §13.1.5: an entity-tag must match strongly; a weak tag never does.
    const requested = parseEntityTag(value);
    const current = validators.etag === undefined ? undefined : parseEntityTag(validators.etag);
    return requested !== undefined && current !== undefined && isStrongMatch(requested, current);
  }
  // RFC 9110 §13.1.5, §8.8.2.2: a date must equal Last-Modified exactly, and only a strong one counts.
  const date = parseHttpDate(value, now);
  const { lastModified, lastModifiedIsStrong } = validators;
  return (
    date !== undefined &&
    lastModifiedIsStrong &&
    lastModified !== undefined &&
    floorToSecond(lastModified) === date
  );
}

function listMatches(
  list: '*' | EntityTag[],
  currentTag: EntityTag | undefined,
  compare: (a: EntityTag, b: EntityTag) => boolean,
): boolean {
  if (list === '*') return true;
  return currentTag !== undefined && list.some((tag) => compare(tag, currentTag));
}

function isPresent(value: string | string[] | undefined): boolean {
  return value !== undefined && (typeof value === 'string' || value.length > 0);
}

// RFC 9110 §5.3: field lines with the same name combine into one comma-separated list.
function listField(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) && value.length === 0 ? undefined : fieldValue(value);
}

// A singleton field (HTTP-date, If-Range) received more than once has no single value: treat it as invalid.
function singleField(value: string | string[] | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value.length === 1 ? value[0] : undefined;
}
