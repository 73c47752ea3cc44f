// The strong ETags and digests of big files, computed once per file version (device, inode, size, mtime, ctime)
// and kept in a bounded map; concurrent first requests for one version share one hashing.

import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ByteLru } from './byte-lru';
import type { DigestAlgorithm } from '../fields/integrity-fields';
import { hashFile } from './file-hash';
import { isRacy } from './racy-stamp';

/** Options of FileEntityTags. */
export interface FileEntityTagsOptions {
  /** Bytes of keys, tags and digests kept (about 800 per file version). @default 1048576 */
  maxBytes?: number;
}

/** What names one version of a file: its strong ETag and its digest field values. */
export interface FileVersionHashes {
  readonly etag: string;
  readonly digests: Readonly<Record<DigestAlgorithm, string>>;
}

// A key, its tag and digests as JavaScript strings (two bytes a character), plus the map entry and the record.
const ENTRY_OVERHEAD = 160;

/**
 * The identity of one version of a file: any write, truncate, rename over or `touch` changes the size, the
 * mtime, the ctime or the inode, so two stats with the same key show the same bytes.
 */
export function fileVersionKey(stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/**
 * Strong ETags of open files by file version. A tag is kept only if the file showed the same version before
 * and after it was hashed, so a tag never names bytes other than the version it is kept for.
 *
 * @example
 * const tags = new FileEntityTags();
 * const etag = await tags.entityTag(handle, await handle.stat()); // undefined if it changed meanwhile
 */
export class FileEntityTags {
  private readonly tags: ByteLru<string, FileVersionHashes>;
  private readonly hashing = new Map<string, Promise<FileVersionHashes | undefined>>();

  constructor(options: FileEntityTagsOptions = {}) {
    this.tags = new ByteLru(options.maxBytes ?? 1024 * 1024);
  }

  /**
   * The ETag of the version `stats` shows of the file open in `handle`: from the map, from a hashing already
   * running for that version, or by hashing it now. Undefined when the file changed while it was hashed.
   */
  async entityTag(handle: FileHandle, stats: Stats): Promise<string | undefined> {
    return (await this.hashes(handle, stats))?.etag;
  }

  /** The ETag and digests of the version `stats` shows, as entityTag finds them. */
  hashes(handle: FileHandle, stats: Stats): Promise<FileVersionHashes | undefined> {
    const key = fileVersionKey(stats);
    const known = this.tags.get(key);
    if (known !== undefined) return Promise.resolve(known);
    const running = this.hashing.get(key);
    if (running) return running;
    const hashing = this.hash(handle, stats, key).finally(() => this.hashing.delete(key));
    this.hashing.set(key, hashing);
    return hashing;
  }

  /** Versions whose tag is kept. */
  get size(): number {
    return this.tags.size;
  }

  private async hash(handle: FileHandle, stats: Stats, key: string): Promise<FileVersionHashes | undefined> {
    const startedAt = Date.now();
    const { etag, digests, bytesRead } = await hashFile(handle);
    // The stamp before (the key) and after the read: a write in between could have mixed two versions' bytes.
    if (bytesRead !== stats.size || fileVersionKey(await handle.stat()) !== key) return undefined;
    // A version changed within a timestamp tick of the hashing could be rewritten to the same size without a new
    // key (racy): its tag serves this response only, and the next request hashes the file again.
    const hashes: FileVersionHashes = Object.freeze({ etag, digests: Object.freeze(digests) });
    if (!isRacy(Math.max(stats.mtimeMs, stats.ctimeMs), startedAt)) {
      const characters = key.length + etag.length + Object.values(digests).join('').length;
      this.tags.set(key, hashes, ENTRY_OVERHEAD + 2 * characters);
    }
    return hashes;
  }
}
