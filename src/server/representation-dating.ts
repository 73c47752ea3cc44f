// Dates a built representation through the validator ledger: the Last-Modified its files give becomes the one
// the ledger stands by for these bytes, and If-Modified-Since is answered 304 only from a date that proves them.

import { type RecordingFileSource } from '../engine/caching-file-source';
import { type ValidatorLedger } from '../engine/validator-ledger';
import { parseHttpDate } from '../fields/http-date';
import { datedFields } from './caching-fields';
import type { RequestHeaders } from './preconditions';
import { type Representation } from './representation';

/** Which page and which of its variants a representation is. */
export interface DatingSubject {
  /** The docroot path of the file that answered. */
  page: string;
  /** What else the bytes depend on; '' for none (see variantOf). */
  variant: string;
  /** The newest change time of everything the bytes rest on (see changedAtOf). */
  changedAt: number;
}

/** A representation as the validator ledger dated it; `recorded` is false when the ledger's store was not reached. */
export interface DatedRepresentation {
  representation: Representation;
  recorded: boolean;
}

/**
 * `representation` with the ledger's Last-Modified in place of its files' date; one without a Last-Modified or an
 * ETag is returned as it is. The Last-Modified is strong only once any date at or after it proves the bytes
 * (RFC 9110 §13.1.5: If-Range by date must never pair a range of these bytes with other ones). `recorded` is false
 * when the ledger's store could not be reached: the dating is then a conservative one for this response only, not
 * to be kept. The given representation is never changed.
 */
export async function dateRepresentation(
  representation: Representation,
  ledger: ValidatorLedger | undefined,
  subject: DatingSubject,
  now: number,
): Promise<DatedRepresentation> {
  const computed = representation.lastModified;
  if (!ledger || computed === undefined || representation.etag === undefined)
    return { representation, recorded: true };
  const { unrecorded, ...dating } = await ledger.date({
    ...subject,
    etag: representation.etag,
    computed,
    now,
  });
  const dated: Representation = Object.freeze({
    ...representation,
    ...datedFields(representation, dating),
    datedAs: { page: subject.page, variant: subject.variant },
  });
  return { representation: dated, recorded: unrecorded !== true };
}

/**
 * The newest change time over what a render recorded: each file's ctime or mtime, whichever is later (a `cp -p`
 * sets an old mtime, never an old ctime), and each missing file's nearest folder. Unknown stamps count as now.
 */
export function changedAtOf(
  recording: RecordingFileSource | undefined,
  dependencyTimes: readonly number[],
  now: number,
): number {
  if (!recording) return now;
  let newest = 0;
  for (const stamp of recording.stamps.values()) {
    if (stamp.kind === 'unknown') return now;
    newest = Math.max(newest, stamp.mtimeMs, stamp.ctimeMs);
  }
  for (const time of dependencyTimes) newest = Math.max(newest, time);
  return Number.isFinite(newest) ? newest : now;
}

/**
 * The variant key of a render: the value of every request header it read and, if it read the request-target,
 * the query. A page that read neither has one variant whatever the query string: a flood of distinct query
 * strings adds nothing to its record.
 */
export function variantOf(
  headerValues: ReadonlyArray<readonly [string, string | undefined]>,
  query: string | undefined,
): string {
  let key = query === undefined ? '' : `?${query}`;
  for (const [name, value] of headerValues) key += `\0${name}=${value ?? ''}`;
  return key;
}

/**
 * Whether `representation` answers this request 200 only because the ledger doubts the client's date: a bare
 * If-Modified-Since at or after its Last-Modified, but before the date that proves the bytes (RFC 9110 §13.1.3
 * allows a 200 at any time). Such a client will send the same date again: the entry is worth promoting.
 */
export function isDoubtedRevalidation(
  method: string,
  headers: RequestHeaders,
  representation: Representation,
  now: number,
): boolean {
  const { lastModified, notModifiedSince } = representation;
  if (lastModified === undefined || notModifiedSince === undefined || notModifiedSince <= lastModified)
    return false;
  if ((method !== 'GET' && method !== 'HEAD') || headers['if-none-match'] !== undefined) return false;
  const since = headers['if-modified-since'];
  const date = typeof since === 'string' ? parseHttpDate(since, now) : undefined;
  return date !== undefined && date >= lastModified && date < notModifiedSince;
}
