// A memo of pure results by string key, bounded by the bytes of its keys: request-controlled keys (header
// values, substituted patterns) can make it no larger than its budget. Pure: no I/O.

import { stringBytes } from './string-bytes';

/**
 * A Map of memoized results that forgets everything once its keys, each counted with `entryBytes`, pass
 * `maxBytes`, or its entries pass `maxEntries`: clearing whole costs nothing per lookup, and a memo refills fast.
 * A key larger than a tenth of the budget is not remembered at all (it is computed every time).
 *
 * @example
 * const memo = new BoundedMemo<RegExp>({ maxBytes: 256 * 1024, maxEntries: 256, entryBytes: 512 });
 * const regex = memo.get(source) ?? memo.remember(source, compile(source));
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();
  private total = 0;
  readonly maxBytes: number;
  readonly maxEntries: number;
  private readonly entryBytes: number;

  /**
   * @param options.maxBytes the budget of keys plus entry costs.
   * @param options.maxEntries the most entries kept.
   * @param options.entryBytes what one entry costs besides its key (Map slot, the value's objects).
   */
  constructor(options: { maxBytes: number; maxEntries: number; entryBytes: number }) {
    this.maxBytes = options.maxBytes;
    this.maxEntries = options.maxEntries;
    this.entryBytes = options.entryBytes;
  }

  /** The remembered result for `key`. */
  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Remembers `value` under `key` unless the key alone is too large; returns `value`. */
  remember(key: string, value: V): V {
    const bytes = this.entryBytes + stringBytes(key);
    if (bytes * 10 > this.maxBytes || this.entries.has(key)) return value;
    if (this.entries.size >= this.maxEntries || this.total + bytes > this.maxBytes) this.clear();
    this.entries.set(key, value);
    this.total += bytes;
    return value;
  }

  /** Bytes held, keys and entry costs. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
