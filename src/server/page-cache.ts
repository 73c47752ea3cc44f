// The render cache: each response the middleware built, per request key and per variant of the headers its
// render read, dropped as soon as a file it rested on is reported changed, or (where changes are not reported)
// revalidated by re-stamping those files. Bounded by bytes; one build per key at a time.

import { ByteLru } from '../engine/byte-lru';
import { type ChangeFeed } from '../engine/change-feed';
import { type FileStamp, isSameStamp, type StampingFileSource } from '../engine/file-stamp';
import { type RequestHeaders } from '../engine/render-request';
import { fieldValue } from '../fields/http-fields';
import { stringBytes } from '../ssi/string-bytes';
import { DependentsIndex } from './dependents-index';
import { type RepresentationSet } from './representation-set';

/** Options of PageCache. */
export interface PageCacheOptions {
  /** Bytes of responses kept, compressed copies included; 0 turns the cache off. @default 67108864 (64 MiB) */
  maxBytes?: number;
  /**
   * For how long (ms) a response whose files were stamped unchanged is served without stamping them again:
   * the staleness bound where changes are not reported. 0 stamps every file of the page on every request.
   * @default 0
   */
  revalidateWindow?: number;
  /**
   * Reports changes of the files: while it is healthy and covers every file of a response, the response is sent
   * without stamping them (invalidate() drops it when one changes). @default none: every response is stamped
   */
  changes?: Pick<ChangeFeed, 'healthy' | 'covers'>;
  /** Stamp (within `revalidateWindow`) even responses that `changes` covers. @default false */
  revalidateWhileWatching?: boolean;
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
  /** The docroot file that answered (what a setHeaders hook is told). */
  readonly path?: string;
  /**
   * The bytes read no request header, target, client or clock: every request gets them (what may carry mirror
   * links). @default false
   */
  readonly sameForEveryRequest?: boolean;
  /** `Link` field lines preconnecting to the asset hosts the page references (made at render time). */
  readonly preconnect?: readonly string[];
  /** When the stamps were last found unchanged, epoch ms. */
  checkedAt: number;
  /** Every stamped path was covered by the change feed when the variant was stored; set by store(). */
  watched?: boolean;
}

// What the objects around the counted strings and bodies cost (measured with heap snapshots of a full cache, see
// README "Render cache"): per key the Map slot, the LRU entry and the variants array; per variant the record and
// its two arrays; per header read and per stamped path the pair and the FileStamp.
const KEY_OVERHEAD = 96;
const VARIANT_OVERHEAD = 576;
const HEADER_OVERHEAD = 48;
// A stamped path also costs two Set slots of the invalidation index (estimated, about 40 bytes each in V8).
const STAMP_OVERHEAD = 112 + 80;
// How many recent changes are remembered for builds still running when they came (see store()).
const CHANGE_LOG_LENGTH = 256;
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
  private readonly index = new DependentsIndex();
  private readonly changes: Pick<ChangeFeed, 'healthy' | 'covers'> | undefined;
  private readonly revalidateWhileWatching: boolean;
  // The paths of the last CHANGE_LOG_LENGTH invalidations, by their sequence number modulo the length.
  private readonly changeLog: string[] = [];
  private changeCount = 0;
  readonly revalidateWindow: number;

  constructor(
    private readonly source: StampingFileSource,
    options: PageCacheOptions = {},
  ) {
    this.entries = new ByteLru(options.maxBytes ?? DEFAULT_PAGE_CACHE_BYTES, (key) => this.index.remove(key));
    this.revalidateWindow = options.revalidateWindow ?? 0;
    this.changes = options.changes;
    this.revalidateWhileWatching = options.revalidateWhileWatching ?? false;
  }

  /** A mark to give store() for a build that starts now: changes reported after it keep the build out. */
  get changeMark(): number {
    return this.changeCount;
  }

  /** A current variant under `key` for a request with `headers`, or undefined; a stale one is dropped. */
  lookup(key: string, headers: RequestHeaders, now: number): CachedVariant | undefined {
    const variants = this.entries.get(key);
    if (variants === undefined) return undefined;
    for (let index = 0; index < variants.length; index++) {
      const variant = variants[index];
      if (!matchesHeaders(variant, headers)) continue;
      // Reported changes drop a watched variant the moment they are read, so one still here is current.
      if (variant.watched && !this.revalidateWhileWatching && this.changes?.healthy) return variant;
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

  /**
   * Keeps `variant` under `key`, replacing any variant with the same header values. With `since` (the changeMark
   * taken before the build read any file), a variant resting on a file reported changed since then is not kept:
   * its bytes may predate the change, and the report that would have dropped it has already come.
   */
  store(key: string, variant: CachedVariant, since?: number): void {
    if (since !== undefined && this.changedSince(since, variant)) return;
    const changes = this.changes;
    variant.watched =
      changes !== undefined && changes.healthy && variant.stamps.every(([path]) => changes.covers(path));
    const variants = (this.entries.peek(key) ?? []).filter((other) => !sameHeaderValues(other, variant));
    variants.unshift(variant);
    if (variants.length > MAX_VARIANTS_PER_KEY) variants.length = MAX_VARIANTS_PER_KEY;
    this.entries.set(key, variants, costOf(key, variants));
    if (this.entries.peek(key) === variants) this.index.add(key, variants);
  }

  /**
   * Puts `representations` in the place of `variant`'s under `key`, as a new variant with the same stamps and
   * header values (a redated set: the one cached is never changed). Nothing happens when `variant` is no longer
   * kept there (dropped, evicted or replaced by a newer build meanwhile).
   */
  replace(key: string, variant: CachedVariant, representations: RepresentationSet): void {
    const variants = this.entries.peek(key);
    const index = variants?.indexOf(variant) ?? -1;
    if (variants === undefined || index < 0) return;
    variants[index] = { ...variant, representations };
    this.account(key, variants);
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
    this.index.clear();
    this.logChange('/');
  }

  /**
   * Drops every response that rested on one of `paths`, or on a file below one of them (a folder that went
   * away; `/` is everything), without waiting for the revalidation window; returns how many were dropped.
   * The index of dependents makes it cost the responses it drops, not the size of the cache.
   */
  invalidate(paths: readonly string[]): number {
    if (paths.length === 0) return 0;
    for (const path of paths) this.logChange(path);
    if (paths.some((path) => path === '/' || path === '')) {
      let all = 0;
      for (const key of this.entries.keys()) all += this.entries.peek(key)?.length ?? 0;
      this.entries.clear();
      this.index.clear();
      return all;
    }
    const folders = paths.map((path) => (path.endsWith('/') ? path : `${path}/`));
    const touches = (file: string) =>
      paths.includes(file) || folders.some((folder) => file.startsWith(folder));
    let dropped = 0;
    for (const key of this.index.keysOf(paths)) {
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

  private logChange(path: string): void {
    this.changeLog[this.changeCount % CHANGE_LOG_LENGTH] = path;
    this.changeCount++;
  }

  /** Whether a change logged since the mark `since` touches a file `variant` rests on (or the log lost track). */
  private changedSince(since: number, variant: CachedVariant): boolean {
    if (this.changeCount === since) return false;
    if (this.changeCount - since > CHANGE_LOG_LENGTH) return true;
    for (let seq = since; seq < this.changeCount; seq++) {
      const changed = this.changeLog[seq % CHANGE_LOG_LENGTH];
      if (changed === '/' || changed === '') return true;
      const folder = changed.endsWith('/') ? changed : `${changed}/`;
      if (variant.stamps.some(([file]) => file === changed || file.startsWith(folder))) return true;
    }
    return false;
  }

  private account(key: string, variants: CachedVariant[]): void {
    if (variants.length === 0) this.entries.delete(key);
    else this.entries.resize(key, costOf(key, variants));
  }
}

function matchesHeaders(variant: CachedVariant, headers: RequestHeaders): boolean {
  for (const [name, value] of variant.headers) if (fieldValue(headers[name]) !== value) return false;
  return true;
}

function sameHeaderValues(a: CachedVariant, b: CachedVariant): boolean {
  return (
    a.headers.length === b.headers.length &&
    a.headers.every(([name, value], i) => b.headers[i][0] === name && b.headers[i][1] === value)
  );
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
