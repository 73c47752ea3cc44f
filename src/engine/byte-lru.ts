// A least-recently-used map bounded by the bytes its values hold, not by their count. Pure: no I/O.
// Used by the fragment cache and the page cache, so one huge page cannot crowd out memory unnoticed.

interface Entry<V> {
  value: V;
  bytes: number;
}

/**
 * A Map whose entries each declare their size; past `maxBytes` the least recently used go first.
 * A value larger than the whole budget is not stored at all.
 *
 * @example
 * const lru = new ByteLru<string, Buffer>(1024);
 * lru.set('/a', bytes, bytes.length);
 */
export class ByteLru<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private total = 0;
  // The entry at the young end: a hit on it needs no move, and a hot page's hits in a row are most of a busy
  // origin's (a Map delete and re-insert per hit was a fortieth of a warm response's CPU). Let go when it leaves,
  // so a deleted value is not held past the budget.
  private youngest: Entry<V> | undefined;

  /**
   * @param maxBytes the budget; 0 stores nothing.
   * @param onRemove told of each entry that leaves, deleted, replaced or evicted (not by clear()): for an index
   *   kept beside the map.
   */
  constructor(
    readonly maxBytes: number,
    private readonly onRemove?: (key: K, value: V) => void,
  ) {}

  /** The value under `key`, marking it most recently used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry === this.youngest) return entry?.value;
    // Map keeps insertion order: re-inserting moves the key to the young end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.youngest = entry;
    return entry.value;
  }

  /** The value under `key` without changing its age. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Stores `value` as `bytes` bytes, evicting the oldest entries until the total fits. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.youngest = { value, bytes };
    this.entries.set(key, this.youngest);
    this.total += bytes;
    this.evict();
  }

  /** Changes the size an entry counts for (e.g. once a compressed copy is added to it). */
  resize(key: K, bytes: number): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.total += bytes - entry.bytes;
    entry.bytes = bytes;
    if (bytes > this.maxBytes) this.delete(key);
    else this.evict();
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    if (entry === this.youngest) this.youngest = undefined;
    this.total -= entry.bytes;
    this.onRemove?.(key, entry.value);
  }

  clear(): void {
    this.entries.clear();
    this.youngest = undefined;
    this.total = 0;
  }

  /** The keys held, least recently used first; a copy, so entries may be deleted while walking it. */
  keys(): K[] {
    return [...this.entries.keys()];
  }

  /** Bytes currently held. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    while (this.total > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.delete(oldest.value);
    }
  }
}
