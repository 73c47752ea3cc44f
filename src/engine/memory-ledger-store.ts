// A validator ledger held in this process only: the middleware's default when no state folder or Redis is given.
// Bounded by bytes; a page record pushed out is a page met for the first time again (extra 200s, never a 304 lie).

import { stringBytes } from '../ssi/string-bytes';
import { ByteLru } from './byte-lru';
import { type LedgerStore, type PageRecord } from './validator-ledger';

/** The default budget of an in-memory ledger. */
export const DEFAULT_LEDGER_BYTES = 8 * 1024 * 1024;

// A record's Map slot, LRU entry, arrays and numbers; each variant's tuple, entry object and dates.
const RECORD_OVERHEAD = 160;
const VARIANT_OVERHEAD = 120;

/** Page records in a byte-bounded LRU keyed by page path. */
export class MemoryLedgerStore implements LedgerStore {
  private readonly records: ByteLru<string, PageRecord>;

  /** @param maxBytes the budget of paths, variant keys and ETags. @default 8388608 (8 MiB) */
  constructor(maxBytes = DEFAULT_LEDGER_BYTES) {
    this.records = new ByteLru(maxBytes);
  }

  // Reading, deciding and writing happen in one turn of the event loop: nothing else runs in between.
  async transact<T>(
    page: string,
    decide: (record: PageRecord | undefined) => { write?: PageRecord; value: T },
  ): Promise<T> {
    const { write, value } = decide(this.records.get(page));
    if (write) this.records.set(page, write, recordBytes(page, write));
    return value;
  }

  /** Bytes held: paths, variant keys, ETags and records. */
  get bytes(): number {
    return this.records.bytes;
  }

  async close(): Promise<void> {}
}

function recordBytes(page: string, record: PageRecord): number {
  let total = RECORD_OVERHEAD + stringBytes(page);
  for (const [key, entry] of record.variants)
    total += VARIANT_OVERHEAD + stringBytes(key) + stringBytes(entry.etag);
  return total;
}
