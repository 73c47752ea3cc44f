// The render cache: each response the middleware built, per request key and per variant of the headers its
// render read, revalidated by re-stamping the files it rested on. Bounded by bytes; one build per key at a time.

import { ByteLru } from '../engine/byte-lru';
import { FileStamp, isSameStamp, StampingFileSource } from '../engine/file-stamp';
import { RequestHeaders } from '../engine/render-request';
import { stringBytes } from '../ssi/string-bytes';
import { RepresentationSet } from './representation-set';

/** Options of PageCache. */
export interface PageCacheOptions {
  /** Bytes of responses kept, compressed copies included; 0 turns the cache off. @default 67108864 (64 MiB) */
  maxBytes?: number;
  /**
   * For how long (ms) a response whose files were stamped unchanged is served without stamping them again:
   * the staleness bound. 0 stamps every file of the page on every request. @default 0
   */
  revalidateWindow?: number;
}

/** The default budget of the render cache. */
export const DEFAULT_PAGE_CACHE_BYTES = 64 * 1024 * 1024;

/** One cached response: what it was built from and what it sends. */
export interface CachedVariant {
  /** Every request header the render read (lower-case name) with the value it saw; undefined = absent. */
  readonly headers: ReadonlyArray<readonly [string, string | undefined]>;
  /** Every path the build used, with the stamp its answer rested on. */
  readonly stamps: ReadonlyArray<readonly [string, FileStamp]>;
  readonly representations: RepresentationSet;
  /** When the stamps were last found unchanged, epoch ms. */
  checkedAt: number;
}

// What the objects around the counted strings and bodies cost (measured with heap snapshots of a full cache, see
// README "Render cache"): per key the Map slot, the LRU entry and the variants array; per variant the record and
// its two arrays; per header read and per stamped path the pair and the FileStamp.
const KEY_OVERHEAD = 96;
const VARIANT_OVERHEAD = 576;
const HEADER_OVERHEAD = 48;
const STAMP_OVERHEAD = 112;
// A page that reads a header with endless values (User-Agent) keeps only its most recent variants.
const MAX_VARIANTS_PER_KEY = 32;

/**
 * Cached responses by request key (method, URL, Host and the other request facts every render may read)
 * and, within a key, by the values of the headers the render read — the rule of RFC 9111 §4.1, applied by the
 * origin itself, so a variant is never sent to a request that would have rendered differently.
 */
export class PageCache {
  private readonly entries: ByteLru<string, CachedVariant[]>;
  private readonly building = new Map<string, Promise<CachedVariant | undefined>>();
  readonly revalidateWindow: number;

  constructor(
    private readonly source: StampingFileSource,
    options: PageCacheOptions = {},
  ) {
    this.entries = new ByteLru(options.maxBytes ?? DEFAULT_PAGE_CACHE_BYTES);
    this.revalidateWindow = options.revalidateWindow ?? 0;
  }

  /** A current variant under `key` for a request with `headers`, or undefined; a stale one is dropped. */
  lookup(key: string, headers: RequestHeaders, now: number): CachedVariant | undefined {
    const variants = this.entries.get(key);
    if (variants === undefined) return undefined;
    for (let index = 0; index < variants.length; index++) {
      const variant = variants[index];
      if (!matchesHeaders(variant, headers)) continue;
      // Within the window the last check stands; its time is kept, so the staleness bound holds from it.
      if (now - variant.checkedAt < this.revalidateWindow) return variant;
      if (this.isUnchanged(variant)) {
        variant.checkedAt = now;
        return variant;
      }
      variants.splice(index, 1);
      this.account(key, variants);
      return undefined;
    }
    return undefined;
  }

  /** Keeps `variant` under `key`, replacing any variant with the same header values. */
  store(key: string, variant: CachedVariant): void {
    const variants = (this.entries.peek(key) ?? []).filter((other) => !sameHeaderValues(other, variant));
    variants.unshift(variant);
    if (variants.length > MAX_VARIANTS_PER_KEY) variants.length = MAX_VARIANTS_PER_KEY;
    this.entries.set(key, variants, costOf(key, variants));
  }

  /** Recounts a key's bytes after a compressed copy was added to one of its variants. */
  grew(key: string): void {
    const variants = this.entries.peek(key);
    if (variants) this.entries.resize(key, costOf(key, variants));
  }

  /**
   * Runs `build` for `key` unless one is already running, in which case its result is shared: concurrent
   * misses of one page cost one render (the stampede rule). The promise never rejects for the waiters'
   * sake: a failed build gives them undefined, and each then builds for itself.
   */
  async once(
    key: string,
    build: () => Promise<CachedVariant | undefined>,
  ): Promise<{ shared: boolean; variant: CachedVariant | undefined }> {
    const running = this.building.get(key);
    if (running) return { shared: true, variant: await running.catch(() => undefined) };
    const promise = build();
    this.building.set(key, promise);
    try {
      return { shared: false, variant: await promise };
    } finally {
      this.building.delete(key);
    }
  }

  /** Forgets every response (the invalidation hook for deploys, tests and embedders). */
  clear(): void {
    this.entries.clear();
  }

  /**
   * Drops every response that rested on one of `paths`, or on a file below one of them (a folder that went
   * away), without waiting for the revalidation window; returns how many responses were dropped.
   */
  invalidate(paths: readonly string[]): number {
    if (paths.length === 0) return 0;
    const folders = paths.map((path) => (path.endsWith('/') ? path : `${path}/`));
    const touches = (file: string) =>
      paths.includes(file) || folders.some((folder) => file.startsWith(folder));
    let dropped = 0;
    for (const key of this.entries.keys()) {
      const variants = this.entries.peek(key);
      if (variants === undefined) continue;
      const kept = variants.filter((variant) => !variant.stamps.some(([file]) => touches(file)));
      if (kept.length === variants.length) continue;
      dropped += variants.length - kept.length;
      variants.splice(0, variants.length, ...kept);
      this.account(key, variants);
    }
    return dropped;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.entries.bytes;
  }

  /** Whether `variant` may be sent to a request with `headers`: every header it read has the same value. */
  matches(variant: CachedVariant, headers: RequestHeaders): boolean {
    return matchesHeaders(variant, headers);
  }

  private isUnchanged(variant: CachedVariant): boolean {
    for (const [path, stamp] of variant.stamps) {
      if (!isSameStamp(this.source.stampSync(path), stamp)) return false;
    }
    return true;
  }

  private account(key: string, variants: CachedVariant[]): void {
    if (variants.length === 0) this.entries.delete(key);
    else this.entries.resize(key, costOf(key, variants));
  }
}

function matchesHeaders(variant: CachedVariant, headers: RequestHeaders): boolean {
  for (const [name, value] of variant.headers) if (joined(headers[name]) !== value) return false;
  return true;
}

function sameHeaderValues(a: CachedVariant, b: CachedVariant): boolean {
  return (
    a.headers.length === b.headers.length &&
    a.headers.every(([name, value], i) => b.headers[i][0] === name && b.headers[i][1] === value)
  );
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The bytes a key's record holds: the key itself (method, URL with its query, Host…), and per variant its
 * representations (bodies and header strings), the values of the request headers it read, and the stamped paths.
 */
export function costOf(key: string, variants: readonly CachedVariant[]): number {
  let total = KEY_OVERHEAD + stringBytes(key);
  for (const variant of variants) total += variantBytes(variant);
  return total;
}

function variantBytes(variant: CachedVariant): number {
  let total = VARIANT_OVERHEAD + variant.representations.bytes;
  for (const [name, value] of variant.headers)
    total += HEADER_OVERHEAD + stringBytes(name) + (value === undefined ? 0 : stringBytes(value));
  for (const [path] of variant.stamps) total += STAMP_OVERHEAD + stringBytes(path);
  return total;
}
