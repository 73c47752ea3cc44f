// A FileSource for the length of one build: fragments shared by many pages are read from disk once, not once
// per page. It remembers what it read, so it must not outlive the build (the server never uses it).

import {
  type FileContent,
  type FileLookup,
  type FileSource,
  type LimitedFileContent,
} from '../engine/file-source';
import { type FileStamp, stampOf } from '../engine/file-stamp';

/** Options of SnapshotFileSource. */
export interface SnapshotFileSourceOptions {
  /** Bytes of file contents kept at most; beyond it, reads go to the source every time. @default 64 MiB */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Wraps a FileSource so each path is stat'ed once and each file read at most twice per build. A file's bytes
 * are kept from its second read on: pages are read once, fragments thousands of times, so only what is shared
 * is held in memory. A build renders every page as of its start anyway; a fragment edited mid-build is seen by
 * the next build through its changed mtime.
 *
 * @example
 * const source = new SnapshotFileSource(new NodeFileSource('site'));
 */
export class SnapshotFileSource implements FileSource {
  private readonly readOnce = new Set<string>();
  private readonly contents = new Map<string, Promise<FileContent>>();
  private readonly lookups = new Map<string, Promise<FileLookup>>();
  private readonly maxBytes: number;
  private keptBytes = 0;

  constructor(
    private readonly source: FileSource,
    options: SnapshotFileSourceOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  read(path: string): Promise<FileContent>;
  read(path: string, maxBytes: number): Promise<LimitedFileContent>;
  async read(path: string, maxBytes?: number): Promise<LimitedFileContent> {
    if (maxBytes !== undefined) {
      // The snapshot's own lookup tells the size without reading: a file too big for the reader is never read.
      const lookup = await this.stat(path);
      if (lookup.status === 'found' && !lookup.info.isDirectory && lookup.info.size > maxBytes)
        return this.source.read(path, maxBytes);
    }
    return this.readWhole(path);
  }

  private readWhole(path: string): Promise<FileContent> {
    const kept = this.contents.get(path);
    if (kept) return kept;
    const reading = this.source.read(path);
    if (!this.readOnce.has(path)) {
      this.readOnce.add(path);
      return reading;
    }
    this.contents.set(path, reading);
    reading.then(
      (content) => {
        this.keptBytes += content.status === 'found' ? content.bytes.length : 0;
        if (this.keptBytes > this.maxBytes) this.contents.delete(path);
      },
      () => this.contents.delete(path),
    );
    return reading;
  }

  stat(path: string): Promise<FileLookup> {
    let lookup = this.lookups.get(path);
    if (!lookup) {
      lookup = this.source.stat(path);
      this.lookups.set(path, lookup);
      lookup.catch(() => this.lookups.delete(path));
    }
    return lookup;
  }

  /** Not remembered: `-A`/`-U` checks are rare, and a synchronous caller cannot share a pending lookup. */
  statSync(path: string): FileLookup {
    return this.source.statSync(path);
  }

  /** The wrapped source's stamp (one plain stat, in its own times), not remembered: for the staleness check. */
  stampSync(path: string): FileStamp {
    return stampOf(this.source, path);
  }
}
