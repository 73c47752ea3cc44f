// What the `check` command sends and records: the five steps, the recorded response fields, and which
// revalidation requests a CDN edge sends after the first GET. Pure data and functions; no I/O.

import { listMembers } from '../fields/http-fields';

/**
 * The requests of a check, in order: a GET, two conditional GETs replaying a validator, a HEAD, and a GET with
 * another Accept-Encoding that shows whether the response varies on it without saying so.
 */
export type CheckStep = 'get' | 'if-modified-since' | 'if-none-match' | 'head' | 'vary-probe';

/** The response header fields a check records (lower case). */
export const RECORDED_HEADERS = [
  'etag',
  'last-modified',
  'cache-control',
  'expires',
  'vary',
  'date',
  'content-length',
  'content-location',
  'location',
  'content-encoding',
  'age',
  'surrogate-key',
  'cache-tag',
] as const;

/** A recorded header field's name. */
export type RecordedHeaderName = (typeof RECORDED_HEADERS)[number];

/** The recorded header fields of one response; absent fields are missing. */
export type RecordedHeaders = Partial<Record<RecordedHeaderName, string>>;

/** A request the check sends. */
export interface PlannedRequest {
  step: CheckStep;
  method: 'GET' | 'HEAD';
  /** The conditional header field replayed from the first response, if any (lower-case name → value). */
  validator: Partial<Record<'if-modified-since' | 'if-none-match', string>>;
  /** Header fields this step sends instead of the user's fields of the same name (lower-case name → value). */
  probe?: Record<string, string>;
}

/** One request and what came back. */
export interface RecordedExchange extends PlannedRequest {
  status: number;
  headers: RecordedHeaders;
  /** Bytes of content received (after transfer decoding, before any content decoding). */
  bodyLength: number;
  /** Lower-case hex SHA-256 of those bytes. */
  bodySha256: string;
}

/** A step the check left out, and why. */
export interface SkippedStep {
  step: CheckStep;
  reason: string;
}

const FIELD_NAMES: Record<RecordedHeaderName, string> = {
  etag: 'ETag',
  'last-modified': 'Last-Modified',
  'cache-control': 'Cache-Control',
  expires: 'Expires',
  vary: 'Vary',
  date: 'Date',
  'content-length': 'Content-Length',
  'content-location': 'Content-Location',
  location: 'Location',
  'content-encoding': 'Content-Encoding',
  age: 'Age',
  'surrogate-key': 'Surrogate-Key',
  'cache-tag': 'Cache-Tag',
};

/** The Accept-Encoding the vary probe sends when the other requests send none or identity only. */
export const PROBE_ACCEPT_ENCODING = 'gzip, deflate, br';

/** The canonical spelling of a recorded field name, e.g. `ETag`. */
export function fieldName(name: RecordedHeaderName): string {
  return FIELD_NAMES[name];
}

/**
 * Lists the requests a CDN edge sends after the first GET: If-Modified-Since with its Last-Modified,
 * If-None-Match with its ETag, and a HEAD; then a GET whose Accept-Encoding differs from `sentHeaders`'
 * (another client of the same edge). A step without a validator to replay is skipped, and nothing follows a
 * first response that is not 200.
 * @example
 * planRevalidation(firstGet).requests.map((request) => request.step);
 * // → ['if-modified-since', 'if-none-match', 'head', 'vary-probe']
 */
export function planRevalidation(
  first: RecordedExchange,
  sentHeaders: Readonly<Record<string, string>> = {},
): {
  requests: PlannedRequest[];
  skipped: SkippedStep[];
} {
  if (first.status !== 200) {
    const reason = `the first GET answered ${first.status}, not 200`;
    const steps: CheckStep[] = ['if-modified-since', 'if-none-match', 'head', 'vary-probe'];
    return { requests: [], skipped: steps.map((step) => ({ step, reason })) };
  }
  const requests: PlannedRequest[] = [];
  const skipped: SkippedStep[] = [];
  const { etag, 'last-modified': lastModified } = first.headers;
  if (lastModified === undefined)
    skipped.push({ step: 'if-modified-since', reason: 'the 200 has no Last-Modified' });
  else
    requests.push({
      step: 'if-modified-since',
      method: 'GET',
      validator: { 'if-modified-since': lastModified },
    });
  if (etag === undefined) skipped.push({ step: 'if-none-match', reason: 'the 200 has no ETag' });
  else requests.push({ step: 'if-none-match', method: 'GET', validator: { 'if-none-match': etag } });
  requests.push({ step: 'head', method: 'HEAD', validator: {} });
  const probe = { 'accept-encoding': probeAcceptEncoding(sentHeaders) };
  requests.push({ step: 'vary-probe', method: 'GET', validator: {}, probe });
  return { requests, skipped };
}

/** `identity` when the user's requests ask for a content-coding, else PROBE_ACCEPT_ENCODING. */
function probeAcceptEncoding(sentHeaders: Readonly<Record<string, string>>): string {
  const entry = Object.entries(sentHeaders).find(([name]) => name.toLowerCase() === 'accept-encoding');
  const asked = listMembers(entry?.[1]).map((member) => member.split(';')[0].trim().toLowerCase());
  return asked.some((coding) => coding !== '' && coding !== 'identity') ? 'identity' : PROBE_ACCEPT_ENCODING;
}

const STEP_LABELS: Record<CheckStep, string> = {
  get: 'GET',
  'if-modified-since': 'GET If-Modified-Since',
  'if-none-match': 'GET If-None-Match',
  head: 'HEAD',
  'vary-probe': 'GET Accept-Encoding',
};

/** A short label of a step for reports, e.g. `GET If-None-Match`. */
export function stepLabel(step: CheckStep): string {
  return STEP_LABELS[step];
}
