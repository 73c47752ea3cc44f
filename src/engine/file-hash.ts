// Hashes an open file into its strong ETag by reading it in fixed chunks, so a file of any size costs one chunk
// of memory. The tag has jshttp `etag`'s form, so it equals the tag of the same bytes held in memory.

import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

// Large enough that reads and hash updates run near disk speed, small enough to be nothing next to the caches.
const CHUNK_BYTES = 1024 * 1024;

/** What hashing an open file found: the tag of the bytes read, and how many there were. */
export interface FileHashResult {
  etag: string;
  bytesRead: number;
}

/**
 * Reads `handle` from its first byte to its end by position (pread), so other readers of the same handle are
 * not disturbed, and returns jshttp `etag`'s `"<length hex>-<sha1 base64, 27 chars>"` of those bytes.
 *
 * @example
 * const { etag } = await hashFile(await open('big.iso')); // "c0000000-…"
 */
export async function hashFile(handle: FileHandle): Promise<FileHashResult> {
  const hash = createHash('sha1');
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    hash.update(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
  // jshttp etag: the base64 SHA-1 without its padding '=', after the length in hex.
  return {
    etag: `"${position.toString(16)}-${hash.digest('base64').substring(0, 27)}"`,
    bytesRead: position,
  };
}
