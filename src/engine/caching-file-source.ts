// Keeps file bytes and lookups in memory, revalidated by one stat per use (and by their bytes while the stat is
// racy), so renders that share fragments never re-read them; and hands each render a recording view that notes
// every stamp its output rests on and reads each path once.

import { stringBytes } from '../ssi/string-bytes';
import { ByteLru } from './byte-lru';
import { type FileContent, type FileLookup, type FileSource, type LimitedFileContent } from './file-source';
import { type FileStamp, isSameStamp, stampOf, type StampingFileSource } from './file-stamp';
import { isRacyStamp, TIMESTAMP_GRANULARITY_MS } from './racy-stamp';

/** Options of CachingFileSource. */
export interface CachingFileSourceOptions {
  /** Bytes of file contents and lookups kept, paths counted (about 200 bytes each besides); 0 keeps none. @default 33554432 (32 MiB) */
  maxBytes?: number;
  /** The clock, epoch ms, that racy stamps are judged by (tests inject a coarse one). @default Date.now */
  clock?: () => number;
  /** The file system's timestamp granularity assumed, ms. @default 2000 (TIMESTAMP_GRANULARITY_MS) */
  timestampGranularity?: number;
}

/** Receives the stamp taken for a path before the source answered for it. */
export type StampRecorder = (path: string, stamp: FileStamp) => void;

/** The default budget of the fragment cache. */
export const DEFAULT_FILE_CACHE_BYTES = 32 * 1024 * 1024;

// What a cached answer costs besides its path and bytes: the Map slot, the LRU entry, the stamp, the file info.
const ENTRY_OVERHEAD = 200;

interface CachedFile {
  /** Taken before the answer was read, so the bytes are never older than the stamp (a race only costs a re-read). */
  stamp: FileStamp;
  /**
   * Stats are numbered in the order they are taken. No stat after this one's number took `stamp` (the entry is
   * made when its answer arrives, which may be some stats after its stamp was taken: the number then is later).
   */
  stampedAt: number;
  /** The number of the latest stat that showed `stamp` again, 0 for none: the file was as cached until then. */
  seenAt: number;
  /**
   * The watch epoch in which the stamp was taken while file notifications covered the path: while the epoch lasts
   * and the entry is not forgotten, no change happened to it, and it is answered without a stat.
   */
  watchedIn?: number;
  content?: FileContent;
  lookup?: FileLookup;
  /**
   * The stamp was within a timestamp tick of the read, so a same-size rewrite in that tick would not change it:
   * the bytes are compared again on each use until a read happens a whole tick after the stamp.
   */
  racy?: boolean;
}

/**
 * A FileSource in front of another: a read whose stamp still equals the one taken when the bytes were cached
 * returns the very same Buffer (so the token cache hits too) without opening the file.
 *
 * @example
 * const source = new CachingFileSource(new NodeFileSource('site'));
 * const view = source.recordingView(); await renderPage({ path: '/' }, { source: view }); view.stamps;
 */
/** What the file cache needs of a change feed to answer without a stat (see watchWith). */
export interface WatchedPaths {
  readonly healthy: boolean;
  covers(docrootPath: string): boolean;
}

export class CachingFileSource implements StampingFileSource {
  private readonly files: ByteLru<string, CachedFile>;
  private watched: WatchedPaths | undefined;
  // Moves on every change reported for a path the cache does not hold (a folder renamed, a file created): whatever
  // it means for the entries below, they are stamped again before they are trusted.
  private watchEpoch = 0;
  // Numbers every stat, so entries can tell which were seen unchanged after which were stamped.
  private statsTaken = 0;
  /** The clock racy stamps are judged by. */
  readonly clock: () => number;
  /** The timestamp granularity assumed, ms. */
  readonly timestampGranularity: number;

  constructor(
    readonly inner: FileSource,
    options: CachingFileSourceOptions = {},
  ) {
    this.files = new ByteLru(options.maxBytes ?? DEFAULT_FILE_CACHE_BYTES);
    this.clock = options.clock ?? Date.now;
    this.timestampGranularity = options.timestampGranularity ?? TIMESTAMP_GRANULARITY_MS;
  }

  stampSync(path: string): FileStamp {
    const stamp = stampOf(this.inner, path);
    this.statsTaken++;
    const cached = this.files.peek(path);
    if (cached !== undefined && isSameStamp(cached.stamp, stamp)) cached.seenAt = this.statsTaken;
    return stamp;
  }

  read(path: string): Promise<FileContent>;
  read(path: string, maxBytes: number): Promise<LimitedFileContent>;
  read(path: string, maxBytes?: number): Promise<LimitedFileContent> {
    return this.readStamped(path, undefined, maxBytes);
  }

  stat(path: string): Promise<FileLookup> {
    return this.statStamped(path, undefined);
  }

  statSync(path: string): FileLookup {
    return this.statSyncStamped(path, undefined);
  }

  /** A FileSource for one render or request: the same cache, recording each path's stamp as it is used. */
  recordingView(): RecordingFileSource {
    return new RecordingFileSource(this);
  }

  /** Forgets every cached file (an invalidation hook for tests and embedders). */
  clear(): void {
    this.files.clear();
    this.watchEpoch++;
  }

  /**
   * Answers from memory without a stat the paths `watched` covers while it is healthy: every change to them is
   * then reported through forget(), so a cold render stats each file at most once (its final consistency check),
   * and not at all once a stat saw its cached files together (see wereOnDiskTogether).
   */
  watchWith(watched: WatchedPaths | undefined): void {
    this.watched = watched;
    this.watchEpoch++;
  }

  /**
   * Drops the cached answers for `paths`, reported changed (`/`: everything), so their next use reads the file
   * again even when its stamp did not move (a rewrite within one timestamp tick). A path the cache does not hold may
   * be a folder above cached files: they are stamped again before they are trusted.
   */
  forget(paths: readonly string[]): void {
    for (const path of paths) {
      if (path === '/' || path === '') return this.clear();
      if (this.files.peek(path) === undefined) this.watchEpoch++;
      this.files.delete(path);
    }
  }

  /** The cached entry of `path` if notifications vouch that it is current: no stat needed. */
  private trusted(path: string): CachedFile | undefined {
    const cached = this.files.get(path);
    return cached !== undefined && this.vouchedFor(path, cached) ? cached : undefined;
  }

  /** Whether notifications vouch that `cached`, the entry of `path`, is current. */
  private vouchedFor(path: string, cached: CachedFile): boolean {
    const watched = this.watched;
    if (watched === undefined || !watched.healthy) return false;
    return cached.watchedIn === this.watchEpoch && !cached.racy && watched.covers(path);
  }

  /**
   * True when every path of `stamps` is answered by an entry notifications still vouch for, holding that very
   * stamp, and a stat saw each of those entries unchanged after the newest of them was stamped: the files were
   * then all on disk as cached at one moment, whatever events are still queued, so bytes taken from these entries
   * never mix versions that never coexisted. One render's consistency check then needs no stat of its own.
   */
  wereOnDiskTogether(stamps: ReadonlyMap<string, FileStamp>): boolean {
    let newestStamped = 0;
    let oldestSeen = Infinity;
    for (const [path, stamp] of stamps) {
      const cached = this.files.peek(path);
      if (cached === undefined || !this.vouchedFor(path, cached) || !isSameStamp(cached.stamp, stamp))
        return false;
      newestStamped = Math.max(newestStamped, cached.stampedAt);
      oldestSeen = Math.min(oldestSeen, cached.seenAt);
    }
    return newestStamped < oldestSeen;
  }

  /** The watch epoch a stamp taken now belongs to, if notifications cover `path`. */
  private watchedNow(path: string): number | undefined {
    const watched = this.watched;
    return watched !== undefined && watched.healthy && watched.covers(path) ? this.watchEpoch : undefined;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.files.bytes;
  }

  /** read(), telling `record` the stamp the answer rests on. */
  readStamped(path: string, record: StampRecorder | undefined): Promise<FileContent>;
  readStamped(
    path: string,
    record: StampRecorder | undefined,
    maxBytes: number | undefined,
  ): Promise<LimitedFileContent>;
  async readStamped(
    path: string,
    record: StampRecorder | undefined,
    maxBytes?: number,
  ): Promise<LimitedFileContent> {
    const known = this.trusted(path);
    if (known?.content && (maxBytes === undefined || known.stamp.size <= maxBytes)) {
      // Notifications vouch for it: not even a stat.
      record?.(path, known.stamp);
      return known.content;
    }
    const watchedIn = this.watchedNow(path);
    const stamp = this.stampSync(path);
    record?.(path, stamp);
    // Too big for the reader: the inner source answers from its fstat without reading; nothing is cached.
    if (maxBytes !== undefined && stamp.kind === 'file' && stamp.size > maxBytes)
      return this.inner.read(path, maxBytes);
    const cached = this.files.get(path);
    if (cached?.content && isSameStamp(cached.stamp, stamp)) {
      // The warm path: one stat and one flag; only a racy entry is read again.
      if (!cached.racy) {
        cached.watchedIn = watchedIn;
        return cached.content;
      }
      return this.verifyRacy(path, stamp, cached.content, watchedIn);
    }
    if (stamp.kind === 'missing') return { status: 'missing' };
    const readAt = this.clock();
    const content = await this.inner.read(path);
    if (agrees(stamp, content)) this.keep(path, stamp, content, readAt, watchedIn);
    return content;
  }

  /** Whether `stamp`, taken before bytes read from `readAt` on, cannot vouch for them (see isRacyStamp). */
  isRacy(stamp: FileStamp, readAt: number): boolean {
    return isRacyStamp(stamp, readAt, this.timestampGranularity);
  }

  /**
   * Reads a racy entry again and compares the bytes: the same bytes keep the very Buffer (so the token cache keeps
   * hitting) and, read a whole tick after the stamp, stop being racy; other bytes replace them.
   */
  private async verifyRacy(
    path: string,
    stamp: FileStamp,
    cached: FileContent,
    watchedIn: number | undefined,
  ): Promise<FileContent> {
    const readAt = this.clock();
    const content = await this.inner.read(path);
    if (!agrees(stamp, content)) return content;
    const unchanged =
      content.status === 'found' && cached.status === 'found' && content.bytes.equals(cached.bytes);
    const kept = unchanged ? cached : content;
    this.keep(path, stamp, kept, readAt, watchedIn);
    return kept;
  }

  /** The stat numbers of an entry made now: stamped no later than the latest stat, not seen again yet. */
  private numbered(): Pick<CachedFile, 'stampedAt' | 'seenAt'> {
    return { stampedAt: this.statsTaken, seenAt: 0 };
  }

  private keep(
    path: string,
    stamp: FileStamp,
    content: FileContent,
    readAt: number,
    watchedIn: number | undefined,
  ): void {
    const size = entryBytes(path) + (content.status === 'found' ? content.bytes.length : 0);
    const racy = this.isRacy(stamp, readAt);
    this.files.set(path, { stamp, ...this.numbered(), content, racy, watchedIn }, size);
  }

  /** stat(), telling `record` the stamp the answer rests on. */
  async statStamped(path: string, record: StampRecorder | undefined): Promise<FileLookup> {
    const known = this.trustedLookup(path, record);
    if (known) return known;
    const watchedIn = this.watchedNow(path);
    const stamp = this.stampSync(path);
    record?.(path, stamp);
    const cached = this.cachedLookup(path, stamp, watchedIn);
    if (cached) return cached;
    return this.remember(path, stamp, await this.inner.stat(path), watchedIn);
  }

  /** statSync(), telling `record` the stamp the answer rests on. */
  statSyncStamped(path: string, record: StampRecorder | undefined): FileLookup {
    const known = this.trustedLookup(path, record);
    if (known) return known;
    const watchedIn = this.watchedNow(path);
    const stamp = this.stampSync(path);
    record?.(path, stamp);
    return (
      this.cachedLookup(path, stamp, watchedIn) ??
      this.remember(path, stamp, this.inner.statSync(path), watchedIn)
    );
  }

  /** A lookup answered from an entry notifications vouch for, its stamp recorded; else undefined. */
  private trustedLookup(path: string, record: StampRecorder | undefined): FileLookup | undefined {
    const known = this.trusted(path);
    const lookup = known && lookupOf(known);
    if (known && lookup) record?.(path, known.stamp);
    return lookup;
  }

  private cachedLookup(
    path: string,
    stamp: FileStamp,
    watchedIn: number | undefined,
  ): FileLookup | undefined {
    if (stamp.kind === 'missing') return { status: 'missing' };
    const cached = this.files.get(path);
    if (!cached || !isSameStamp(cached.stamp, stamp)) return undefined;
    const lookup = lookupOf(cached);
    if (lookup && !cached.racy) cached.watchedIn = watchedIn;
    return lookup;
  }

  private remember(
    path: string,
    stamp: FileStamp,
    lookup: FileLookup,
    watchedIn: number | undefined,
  ): FileLookup {
    const cached = this.files.peek(path);
    // A cached read of the same state already answers lookups; keep its bytes rather than replace them.
    if (agrees(stamp, lookup) && !(cached && isSameStamp(cached.stamp, stamp))) {
      this.files.set(path, { stamp, ...this.numbered(), lookup, watchedIn }, entryBytes(path));
    }
    return lookup;
  }
}

/**
 * One render's window on a CachingFileSource: every path it touches is stamped and remembered, and read once —
 * a path read again within the render gets the bytes of its first read, so one output never holds two versions
 * of one file.
 */
export class RecordingFileSource implements StampingFileSource {
  /** Each path used, with the stamp its answer rests on (the first, if the render used it twice). */
  readonly stamps = new Map<string, FileStamp>();
  private readonly reads = new Map<string, Promise<LimitedFileContent>>();
  private consistent = true;
  private racy = false;
  // Taken before any stamp, so it is never later than the moment any bytes of the render were read.
  private startedAt: number;

  constructor(private readonly shared: CachingFileSource) {
    this.startedAt = shared.clock();
  }

  /**
   * False when a path changed between two uses within the render, could not be stamped, or rests on a racy stamp
   * (one a same-size rewrite within its timestamp tick would not change): then no cache may reuse the output on
   * the strength of its stamps.
   */
  get isCacheable(): boolean {
    return this.consistent && !this.racy;
  }

  stampSync(path: string): FileStamp {
    return this.shared.stampSync(path);
  }

  /**
   * True when all the bytes the render read were on disk together at one moment, so the output never mixes file
   * versions that never coexisted: either every answer came from cache entries a stat saw unchanged after the
   * newest of them was stamped (no stat needed; see CachingFileSource.wereOnDiskTogether), or every path used still
   * has the stamp taken before it was used and every racy file it read still has the bytes it read (a stamp cannot
   * tell a same-size rewrite within its tick): then they were together at this moment.
   */
  async isConsistent(): Promise<boolean> {
    if (this.consistent && !this.racy && this.shared.wereOnDiskTogether(this.stamps)) return true;
    // Else by a stat, notifications or not: an event still in the kernel's queue would not show a file that
    // changed while the render read another one after it, and the two versions never coexisted on disk.
    for (const [path, stamp] of this.stamps)
      if (!isSameStamp(stamp, this.shared.stampSync(path))) return false;
    if (!this.racy) return true;
    for (const [path, reading] of this.reads) {
      const stamp = this.stamps.get(path);
      if (stamp === undefined || !this.shared.isRacy(stamp, this.startedAt)) continue;
      const [first, now] = await Promise.all([reading, this.shared.readStamped(path, undefined)]);
      if (first.status === 'found' && (now.status !== 'found' || !now.bytes.equals(first.bytes)))
        return false;
    }
    return true;
  }

  /** Takes every path's current stamp as its new starting point, for a render that is done again. */
  renew(): void {
    this.startedAt = this.shared.clock();
    this.reads.clear();
    this.racy = false;
    for (const path of this.stamps.keys()) {
      const stamp = this.shared.stampSync(path);
      this.stamps.set(path, stamp);
      if (this.shared.isRacy(stamp, this.startedAt)) this.racy = true;
    }
    this.consistent = true;
  }

  read(path: string): Promise<FileContent>;
  read(path: string, maxBytes: number): Promise<LimitedFileContent>;
  read(path: string, maxBytes?: number): Promise<LimitedFileContent> {
    const first = this.reads.get(path);
    if (first) return first.then((content) => this.reuse(path, content, maxBytes));
    const reading = this.shared.readStamped(path, this.record, maxBytes);
    this.reads.set(path, reading);
    return reading;
  }

  stat(path: string): Promise<FileLookup> {
    return this.shared.statStamped(path, this.record);
  }

  statSync(path: string): FileLookup {
    return this.shared.statSyncStamped(path, this.record);
  }

  /** The first read's answer for a later read of `path`, unless the first did not read bytes this one needs. */
  private reuse(
    path: string,
    first: LimitedFileContent,
    maxBytes: number | undefined,
  ): Promise<LimitedFileContent> | LimitedFileContent {
    if (first.status === 'too-large' && (maxBytes === undefined || first.info.size <= maxBytes)) {
      const reading = this.shared.readStamped(path, this.record, maxBytes);
      this.reads.set(path, reading);
      return reading;
    }
    if (first.status === 'found' && maxBytes !== undefined && first.bytes.length > maxBytes)
      return { status: 'too-large', info: first.info };
    return first;
  }

  private readonly record: StampRecorder = (path, stamp) => {
    const previous = this.stamps.get(path);
    if (stamp.kind === 'unknown' || (previous !== undefined && !isSameStamp(previous, stamp)))
      this.consistent = false;
    if (previous !== undefined) return;
    this.stamps.set(path, stamp);
    if (this.shared.isRacy(stamp, this.startedAt)) this.racy = true;
  };
}

/** What a cached entry answers to a stat: its lookup, or what its read learned. */
function lookupOf(cached: CachedFile): FileLookup | undefined {
  if (cached.lookup) return cached.lookup;
  const content = cached.content;
  if (content?.status === 'found' || content?.status === 'directory')
    return { status: 'found', info: content.info };
  return content?.status === 'forbidden' ? content : undefined;
}

function entryBytes(path: string): number {
  return ENTRY_OVERHEAD + stringBytes(path);
}

/** Whether an answer matches the stamp taken just before it; if not, the file changed in between: cache nothing. */
function agrees(stamp: FileStamp, answer: FileContent | FileLookup): boolean {
  if (stamp.kind === 'unknown') return false;
  if (answer.status === 'missing') return stamp.kind === 'missing';
  if (answer.status === 'forbidden') return stamp.kind !== 'missing';
  if (answer.status === 'directory' || answer.info.isDirectory) return stamp.kind === 'directory';
  return stamp.kind === 'file' && answer.info.size === stamp.size && answer.info.mtimeMs === stamp.mtimeMs;
}
