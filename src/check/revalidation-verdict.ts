// The `check` command's verdict: which problems a set of recorded exchanges shows for a CDN edge that caches
// the page and revalidates it with the origin. Pure: a function of the recorded exchanges; no I/O.

import {
  fieldName,
  stepLabel,
  type CheckStep,
  type RecordedExchange,
  type RecordedHeaderName,
  type RecordedHeaders,
} from './revalidation-exchange';
import { parseEntityTag } from '../fields/entity-tag';
import { judgeCdnFindings } from './revalidation-cdn-findings';
import type { RevalidationProblem, RevalidationProblemCode } from './revalidation-problem';
import { parseHttpDate } from '../fields/http-date';
import { parseCacheControl } from '../fields/cache-control';
import { listMembers } from '../fields/http-fields';

/** The judgement over all exchanges: `ok` is true when no problem is an error. */
export interface RevalidationVerdict {
  ok: boolean;
  problems: RevalidationProblem[];
}

/** RFC 9110 §15.4.5: a 304 repeats these fields whenever the 200 would carry them. */
export const RETAINED_304_HEADERS: readonly RecordedHeaderName[] = [
  'cache-control',
  'content-location',
  'date',
  'etag',
  'expires',
  'vary',
];

/** RFC 9110 §9.3.2: the fields a HEAD must send as the GET did. */
export const HEAD_COMPARED_HEADERS: readonly RecordedHeaderName[] = [
  'content-length',
  'etag',
  'last-modified',
  'cache-control',
  'vary',
];

/**
 * Judges a check's exchanges: the first GET (required) and any of the follow-up steps.
 * @example
 * judgeRevalidation([firstGet, imsReplay, inmReplay, head]); // { ok: true, problems: [] }
 */
export function judgeRevalidation(exchanges: readonly RecordedExchange[]): RevalidationVerdict {
  const first = exchanges.find((exchange) => exchange.step === 'get');
  if (first === undefined) throw new TypeError('judgeRevalidation needs the exchange of the first GET');
  const probe = exchanges.find((exchange) => exchange.step === 'vary-probe');
  const problems = [
    ...judgeFirstResponse(first),
    ...exchanges
      .filter((exchange) => exchange.step !== 'get' && exchange.step !== 'vary-probe')
      .flatMap((exchange) => judgeFollowUp(first, exchange)),
    ...judgeCdnFindings(first, probe),
  ];
  return { ok: problems.every((problem) => problem.severity !== 'error'), problems };
}

/** Collects problems found at one step. */
class Findings {
  readonly problems: RevalidationProblem[] = [];

  constructor(private readonly step: CheckStep) {}

  error(code: RevalidationProblemCode, message: string): this {
    this.problems.push({ code, severity: 'error', step: this.step, message });
    return this;
  }

  warning(code: RevalidationProblemCode, message: string): this {
    this.problems.push({ code, severity: 'warning', step: this.step, message });
    return this;
  }
}

function judgeFirstResponse(first: RecordedExchange): RevalidationProblem[] {
  const found = new Findings('get');
  const { etag, 'last-modified': lastModified, date, location } = first.headers;
  if (first.status !== 200) {
    const moved = location === undefined ? '' : ` (Location: ${location})`;
    return found.error('first-response-not-200', `The first GET answered ${first.status}${moved}, not 200.`)
      .problems;
  }
  if (etag === undefined && lastModified === undefined) {
    const message = 'The 200 has neither ETag nor Last-Modified, so a cache must fetch the whole page again';
    found.error('no-validators', `${message} (RFC 9110 §8.8).`);
  }
  if (etag !== undefined && parseEntityTag(etag) === undefined) {
    const message = `ETag ${etag} is not a quoted entity-tag such as "abc" (RFC 9110 §8.8.3)`;
    found.error('invalid-etag', `${message}; caches may not send it back.`);
  } else if (etag?.startsWith('W/') === true) {
    const message = `ETag ${etag} is weak: it cannot validate Range requests, and Akamai needs a strong ETag`;
    found.warning('weak-etag', `${message} to revalidate with If-None-Match (RFC 9110 §8.8.3).`);
  }
  judgeLastModified(found, lastModified, date);
  if (!hasExplicitFreshness(first.headers)) {
    const given = first.headers['cache-control'];
    const what =
      given === undefined ? 'There is no Cache-Control' : `Cache-Control: ${given} sets no lifetime`;
    const guess = 'caches may guess a freshness lifetime (often 10% of the time since Last-Modified)';
    found.warning(
      'heuristic-freshness',
      `${what} and no Expires, so ${guess} and serve the page without asking the origin (RFC 9111 §4.2.2).`,
    );
  }
  return found.problems;
}

function judgeLastModified(
  found: Findings,
  lastModified: string | undefined,
  date: string | undefined,
): void {
  if (lastModified === undefined) return;
  const modifiedAt = parseHttpDate(lastModified);
  if (modifiedAt === undefined) {
    const message = `Last-Modified: ${lastModified} is not an HTTP date (RFC 9110 §5.6.7)`;
    found.error('invalid-last-modified', `${message}, so If-Modified-Since cannot match it.`);
    return;
  }
  const sentAt = date === undefined ? undefined : parseHttpDate(date);
  if (sentAt === undefined || modifiedAt <= sentAt) return;
  const message = `Last-Modified: ${lastModified} is later than Date: ${date}`;
  found.error(
    'last-modified-after-date',
    `${message}; an origin must not date a page in the future (RFC 9110 §8.8.2.1).`,
  );
}

/** RFC 9111 §4.2.2: without max-age, s-maxage or Expires a cache may use a heuristic lifetime. */
function hasExplicitFreshness(headers: RecordedHeaders): boolean {
  if (headers.expires !== undefined) return true;
  const directives = parseCacheControl(headers['cache-control']);
  return ['max-age', 's-maxage', 'no-cache', 'no-store'].some((name) => directives.has(name));
}

function judgeFollowUp(first: RecordedExchange, exchange: RecordedExchange): RevalidationProblem[] {
  if (first.status !== 200) return [];
  const found = new Findings(exchange.step);
  if (exchange.step === 'head') judgeHead(found, first, exchange);
  else if (exchange.status === 304) judgeNotModified(found, first, exchange);
  else judgeReplayNot304(found, first, exchange);
  return found.problems;
}

function judgeReplayNot304(found: Findings, first: RecordedExchange, replay: RecordedExchange): void {
  const byDate = replay.step === 'if-modified-since';
  const field = byDate ? 'If-Modified-Since' : 'If-None-Match';
  const value = replay.validator['if-modified-since'] ?? replay.validator['if-none-match'] ?? '';
  const sent = `${field}: ${value} (the page's own validator)`;
  const rule = `RFC 9110 ${byDate ? '§13.1.3' : '§13.1.2'}`;
  if (replay.status === 200 && replay.bodySha256 === first.bodySha256) {
    const message = `${sent} was answered 200 with the same bytes as the first GET`;
    found.error(
      byDate ? 'if-modified-since-ignored' : 'if-none-match-ignored',
      `${message}: the origin ignored ${field} (${rule}).`,
    );
    return;
  }
  const changed =
    replay.status !== 200
      ? ''
      : '; the page changed between the two requests, and a page ' +
        'that changes on every request can never be revalidated';
  const message = `${sent} was answered ${replay.status}, not 304 (${rule})`;
  found.error(byDate ? 'if-modified-since-not-304' : 'if-none-match-not-304', `${message}${changed}.`);
}

function judgeNotModified(found: Findings, first: RecordedExchange, replay: RecordedExchange): void {
  const label = `The 304 to ${stepLabel(replay.step)}`;
  if (replay.bodyLength > 0) {
    const message = `${label} carried ${replay.bodyLength} bytes of content`;
    found.error('not-modified-with-body', `${message}; a 304 has none (RFC 9110 §15.4.5).`);
  }
  const rule = "a 304 repeats the 200's Cache-Control, Content-Location, Date, ETag, Expires and Vary";
  for (const name of RETAINED_304_HEADERS) {
    if (first.headers[name] === undefined || replay.headers[name] !== undefined) continue;
    const message = `${label} has no ${fieldName(name)} though the 200 had one`;
    found.error('not-modified-drops-header', `${message}; ${rule} (RFC 9110 §15.4.5).`);
  }
  // RFC 9111 §4.3.4: a refreshed CDN entry takes its headers from the 304, so dropped tags unlink it from purges.
  for (const name of PURGE_TAG_HEADERS) {
    if (first.headers[name] === undefined || replay.headers[name] !== undefined) continue;
    const message = `${label} has no ${fieldName(name)} though the 200 had one`;
    found.warning(
      'not-modified-drops-tags',
      `${message}; a CDN entry refreshed by it may no longer be purged by tag.`,
    );
  }
}

/** CDN purge-tag fields a 304 should repeat, so a refreshed entry keeps its tags (RFC 9111 §4.3.4). */
const PURGE_TAG_HEADERS: readonly RecordedHeaderName[] = ['surrogate-key', 'cache-tag'];

function judgeHead(found: Findings, first: RecordedExchange, head: RecordedExchange): void {
  if (head.status !== first.status) {
    found.error(
      'head-differs',
      `HEAD answered ${head.status} where GET answered ${first.status} (RFC 9110 §9.3.2).`,
    );
    return;
  }
  for (const name of HEAD_COMPARED_HEADERS) {
    const fromHead = head.headers[name];
    // A GET without Content-Length (chunked) is matched by a HEAD without one or with the body's length.
    const fromGet =
      first.headers[name] ??
      (name === 'content-length' && fromHead !== undefined ? String(first.bodyLength) : undefined);
    if (normalizeField(name, fromGet) === normalizeField(name, fromHead)) continue;
    const field = fieldName(name);
    const heads = `${field}: ${fromHead ?? '(none)'}`;
    const message = `HEAD sent ${heads} where GET sent ${field}: ${fromGet ?? '(none)'}`;
    found.error('head-differs', `${message}; HEAD must send the fields GET sends (RFC 9110 §9.3.2).`);
  }
}

/** Lists (Cache-Control, Vary) compare case-insensitively and ignoring spaces; other fields exactly. */
function normalizeField(name: RecordedHeaderName, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (name !== 'cache-control' && name !== 'vary') return value.trim();
  return listMembers(value.toLowerCase()).join(',');
}
