// The validator ledger: what Last-Modified each page variant was sent with, kept per page path in a store that
// can outlive the process (a state folder, Redis), so a restart, another worker or another origin never answers
// 304 to a date that was sent for other bytes. The rule is pure (datePage); the store does the I/O.

import { floorToSecond } from './validators';

/** What one variant of a page was last sent with. */
export interface VariantEntry {
  etag: string;
  /** The Last-Modified sent with `etag`, epoch ms (a whole second). */
  lastModified: number;
  /**
   * The earliest If-Modified-Since date that proves the client holds `etag`'s bytes: `lastModified` itself unless
   * some client may hold other bytes dated at or after it (see datePage).
   */
  notModifiedSince: number;
}

/**
 * Everything the ledger knows of one page (a docroot path), written whole so it is lost or kept all at once.
 * Its size is bounded by MAX_VARIANTS; the number of records by the number of files, never by requests.
 */
export interface PageRecord {
  /**
   * No Last-Modified sent for this page, by anyone, before or since the record began, is later than this (ms,
   * a whole second): a new ETag is dated after it, so no earlier client's date can match the new bytes.
   */
  newest: number;
  /** Variant key → its entry, the least recently changed first. */
  variants: Array<[string, VariantEntry]>;
}

/**
 * Where page records live. `transact` reads the record of `page`, lets `decide` choose, and writes what it
 * returns as one atomic step against every other writer of the same store (workers, other origins).
 */
export interface LedgerStore {
  transact<T>(
    page: string,
    decide: (record: PageRecord | undefined) => { write?: PageRecord; value: T },
  ): Promise<T>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** What the ledger needs to date one representation. */
export interface DatingInput {
  /** The docroot path of the file that answered (`/news/index.shtml`). */
  page: string;
  /** What else the bytes depend on (values of headers read, the query if read); '' when nothing. */
  variant: string;
  etag: string;
  /** The Last-Modified the files give: their newest mtime (floored by a docroot switch), a whole second. */
  computed: number;
  /**
   * The newest change time (ctime, or mtime when later) of every file the bytes rest on: from then on, the same
   * files have given the same bytes.
   */
  changedAt: number;
  now: number;
}

/** The validators a representation goes out with; no lastModified when no honest one exists yet. */
export interface Dating {
  lastModified?: number;
  /** The earliest If-Modified-Since date answered 304 (RFC 9110 §13.1.3 compares with Last-Modified otherwise). */
  notModifiedSince?: number;
}

/** Variants remembered per page; a forgotten one is dated as a newcomer, which may cost a 200, never a stale 304. */
export const MAX_VARIANTS = 32;

/**
 * Dates new or known bytes against a page's record. Three cases:
 * - the variant is known with the same ETag: its entry is sent again (moved forward if a file was touched forward);
 * - its bytes changed (or it is new) and the files are newer than anything sent: their date, `computed`;
 * - otherwise (an older file swapped in, a deletion, a rollback) the current second if it is later than anything
 *   sent, else no Last-Modified at all (two versions in one second cannot be told apart by date).
 * A variant the record does not know (first contact, or forgotten) is sent its files' date, since that is what
 * every origin with the same files sends; but some earlier client may hold other bytes with that date or a later
 * one, up to `newest`. Its notModifiedSince then asks for a date from which the files provably have not changed
 * (`changedAt`), or later than anything sent before.
 */
export function datePage(
  record: PageRecord | undefined,
  input: DatingInput,
): { write?: PageRecord; value: Dating } {
  const known = record?.variants.find(([key]) => key === input.variant)?.[1];
  const nowSecond = floorToSecond(input.now);
  // Sends before the record began are unknown, but none of them is dated later than now.
  const newest = record ? record.newest : nowSecond;
  let entry: VariantEntry;
  if (known && known.etag === input.etag) {
    if (input.computed <= known.lastModified) return { value: datingOf(known) };
    // A file touched forward: the same bytes follow their files' date, and what proved them still does.
    const notModifiedSince = Math.max(input.computed, known.notModifiedSince);
    entry = { etag: input.etag, lastModified: input.computed, notModifiedSince };
  } else if (input.computed > newest) {
    entry = { etag: input.etag, lastModified: input.computed, notModifiedSince: input.computed };
  } else if (!known) {
    const unchangedFrom = Math.min(floorToSecond(input.changedAt), newest + 1000);
    const notModifiedSince = Math.max(input.computed, unchangedFrom);
    entry = { etag: input.etag, lastModified: input.computed, notModifiedSince };
  } else if (nowSecond > newest) {
    entry = { etag: input.etag, lastModified: nowSecond, notModifiedSince: nowSecond };
  } else {
    return { value: {} };
  }
  const others = (record?.variants ?? []).filter(([key]) => key !== input.variant);
  const variants: PageRecord['variants'] = [...others.slice(-(MAX_VARIANTS - 1)), [input.variant, entry]];
  return { write: { newest: Math.max(newest, entry.lastModified), variants }, value: datingOf(entry) };
}

function datingOf(entry: VariantEntry): Dating {
  return { lastModified: entry.lastModified, notModifiedSince: entry.notModifiedSince };
}

/**
 * Moves a doubted entry's Last-Modified to the date that proves it: a first-contact entry answers 304 only from
 * `notModifiedSince`, so a client revalidating with the files' date would get 200 for ever; sending the proven date
 * from then on lets it revalidate. Safe because no other bytes of the variant were sent with a date at or after it
 * (the files have not changed since). Nothing is written when the entry is gone, other bytes, or not doubted.
 */
export function promoteEntry(
  record: PageRecord | undefined,
  variant: string,
  etag: string,
  now: number,
): { write?: PageRecord; value: number | undefined } {
  const entry = record?.variants.find(([key]) => key === variant)?.[1];
  if (!record || !entry || entry.etag !== etag || entry.notModifiedSince <= entry.lastModified)
    return { value: undefined };
  // RFC 9110 §8.8.2.1: never a Last-Modified later than the response's date (a change time ahead of the clock).
  if (entry.notModifiedSince > floorToSecond(now)) return { value: undefined };
  const proven = entry.notModifiedSince;
  const variants: PageRecord['variants'] = record.variants.map(([key, each]) =>
    key === variant ? [key, { ...each, lastModified: proven }] : [key, each],
  );
  return { write: { newest: Math.max(record.newest, proven), variants }, value: proven };
}

/**
 * The dating a representation gets when the store cannot be reached: its files' date, answered 304 only to a date
 * from which the files have not changed, so nothing the store would have known can be contradicted.
 */
export function dateWithoutRecord(input: DatingInput): Dating {
  return {
    lastModified: input.computed,
    notModifiedSince: Math.max(input.computed, floorToSecond(input.changedAt)),
  };
}

/** Whether `value` has the shape of a PageRecord (records are read back from files and Redis). */
export function isPageRecord(value: unknown): value is PageRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { newest, variants } = value as Partial<PageRecord>;
  return (
    Number.isSafeInteger(newest) &&
    Array.isArray(variants) &&
    variants.every(
      (item) =>
        Array.isArray(item) &&
        typeof item[0] === 'string' &&
        typeof item[1]?.etag === 'string' &&
        Number.isSafeInteger(item[1].lastModified) &&
        Number.isSafeInteger(item[1].notModifiedSince),
    )
  );
}

/** How long a failing store is left alone before it is asked again: requests meanwhile do not wait on it. */
const STORE_RETRY_MS = 1000;

/**
 * Dates representations through a store. A store failure costs a request nothing but a conservative dating
 * (marked `unrecorded`, so it is not kept); it is reported once per failure streak through `onError`, and the
 * store is asked again a second later, not by every request in between.
 */
export class ValidatorLedger {
  private failing = false;
  private retryAt = 0;

  constructor(
    readonly store: LedgerStore,
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  async date(input: DatingInput): Promise<Dating & { unrecorded?: true }> {
    if (this.failing && input.now < this.retryAt) return { ...dateWithoutRecord(input), unrecorded: true };
    try {
      const value = await this.store.transact(input.page, (record) => datePage(record, input));
      this.failing = false;
      return value;
    } catch (error) {
      if (!this.failing) this.onError(error instanceof Error ? error : new Error(String(error)));
      this.failing = true;
      this.retryAt = input.now + STORE_RETRY_MS;
      return { ...dateWithoutRecord(input), unrecorded: true };
    }
  }

  /**
   * Promotes the entry of `etag` to its proven date (see promoteEntry); the new Last-Modified, or undefined when
   * there is none to send (or the store failed: the next doubted revalidation tries again).
   */
  async promote(page: string, variant: string, etag: string, now: number): Promise<number | undefined> {
    try {
      return await this.store.transact(page, (record) => promoteEntry(record, variant, etag, now));
    } catch {
      return undefined;
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
