// Keeps each page's Last-Modified moving forward whenever its bytes change, even when no file got a newer mtime.
// A fragment replaced by an older file (`cp -p`, `rsync -t`, a restored backup) or deleted changes the bytes while
// max(mtime) stays put; an If-Modified-Since-only cache would then get a wrong 304. Remembering each page's last
// ETag and Last-Modified catches that: new bytes without a newer mtime are stamped with the current second.

import { stringBytes } from '../ssi/string-bytes';
import { ByteLru } from './byte-lru';

/** What was last sent for one page variant. */
export interface ValidatorRecord {
  etag: string;
  lastModified: number;
}

/**
 * The Last-Modified to send for new bytes, given what was sent before. Undefined when no honest value exists:
 * the bytes changed within the same second as the previous Last-Modified, so no date can be newer yet without
 * lying about the future; the response then goes without Last-Modified and nothing is remembered.
 */
export function nextLastModified(
  previous: ValidatorRecord | undefined,
  etag: string,
  computed: number,
  nowSecond: number,
): number | undefined {
  if (!previous || computed > previous.lastModified) return computed;
  if (previous.etag === etag) return previous.lastModified;
  return nowSecond > previous.lastModified ? nowSecond : undefined;
}

/** The default budget of the validator history: about 40,000 records of typical URLs. */
export const DEFAULT_VALIDATOR_HISTORY_BYTES = 8 * 1024 * 1024;

// What a record costs besides its key and ETag strings: the Map slot, the LRU entry, the record and its date.
const RECORD_OVERHEAD = 128;

/**
 * An in-memory history of what each page variant was last sent with, bounded by bytes that count each key
 * (URL, query, header values) and ETag, least recently used first out: request-controlled keys such as distinct
 * query strings only push older records out. A forgotten record costs nothing worse than an absent one: the
 * next Last-Modified is the computed one.
 */
export class ValidatorHistory {
  private readonly records: ByteLru<string, ValidatorRecord>;

  /** @param maxBytes the budget of keys, ETags and records. @default 8388608 (8 MiB) */
  constructor(maxBytes = DEFAULT_VALIDATOR_HISTORY_BYTES) {
    this.records = new ByteLru(maxBytes);
  }

  /** The Last-Modified to send for `etag` under `key`, remembering it; undefined to send none (see nextLastModified). */
  stamp(key: string, etag: string, computed: number, nowSecond: number): number | undefined {
    const previous = this.records.get(key);
    const lastModified = nextLastModified(previous, etag, computed, nowSecond);
    if (lastModified === undefined) return undefined;
    const cost = RECORD_OVERHEAD + stringBytes(key) + stringBytes(etag);
    this.records.set(key, { etag, lastModified }, cost);
    return lastModified;
  }

  /** Bytes held: keys, ETags and records. */
  get bytes(): number {
    return this.records.bytes;
  }
}
