// Keeps each page's Last-Modified moving forward whenever its bytes change, even when no file got a newer mtime.
// A fragment replaced by an older file (`cp -p`, `rsync -t`, a restored backup) or deleted changes the bytes while
// max(mtime) stays put; an If-Modified-Since-only cache would then get a wrong 304. Remembering each page's last
// ETag and Last-Modified catches that: new bytes without a newer mtime are stamped with the current second.

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

/** An in-memory, size-bounded history of what each page variant was last sent with (least recently used go first). */
export class ValidatorHistory {
  private readonly records = new Map<string, ValidatorRecord>();

  /** @param maxEntries page variants remembered. @default 100000 */
  constructor(private readonly maxEntries = 100_000) {}

  /** The Last-Modified to send for `etag` under `key`, remembering it; undefined to send none (see nextLastModified). */
  stamp(key: string, etag: string, computed: number, nowSecond: number): number | undefined {
    const previous = this.records.get(key);
    const lastModified = nextLastModified(previous, etag, computed, nowSecond);
    if (lastModified === undefined) return undefined;
    this.records.delete(key);
    this.records.set(key, { etag, lastModified });
    if (this.records.size > this.maxEntries) this.records.delete(this.records.keys().next().value as string);
    return lastModified;
  }
}
