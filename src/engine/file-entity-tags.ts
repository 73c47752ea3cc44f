// The strong ETags of big files, computed once per file version (device, inode, size, mtime, ctime) and kept in
// a bounded map; concurrent first requests for one version share one hashing.

import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ByteLru } from './byte-lru';
import { hashFile } from './file-hash';
import { isRacy } from './racy-stamp';

/** Options of FileEntityTags. */
export interface FileEntityTagsOptions {
  /** Bytes of keys and tags kept (about 150 per file version). @default 1048576 */
  maxBytes?: number;
}

// A key and its tag as JavaScript strings (two bytes a character), plus the map entry.
const ENTRY_OVERHEAD = 100;

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
  private readonly tags: ByteLru<string, string>;
  private readonly hashing = new Map<string, Promise<string | undefined>>();

  constructor(options: FileEntityTagsOptions = {}) {
    this.tags = new ByteLru(options.maxBytes ?? 1024 * 1024);
  }

  /**
   * The ETag of the version `stats` shows of the file open in `handle`: from the map, from a hashing already
   * running for that version, or by hashing it now. Undefined when the file changed while it was hashed.
   */
  entityTag(handle: FileHandle, stats: Stats): Promise<string | undefined> {
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

  private async hash(handle: FileHandle, stats: Stats, key: string): Promise<string | undefined> {
    const startedAt = Date.now();
    const { etag, bytesRead } = await hashFile(handle);
    // The stamp before (the key) and after the read: a write in between could have mixed two versions' bytes.
    if (bytesRead !== stats.size || fileVersionKey(await handle.stat()) !== key) return undefined;
    // A version changed within a timestamp tick of the hashing could be rewritten to the same size without a new
    // key (racy): its tag serves this response only, and the next request hashes the file again.
    if (!isRacy(Math.max(stats.mtimeMs, stats.ctimeMs), startedAt))
      this.tags.set(key, etag, ENTRY_OVERHEAD + 2 * (key.length + etag.length));
    return etag;
  }
}
