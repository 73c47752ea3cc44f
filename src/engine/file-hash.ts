// Hashes an open file into its strong ETag and its digests by reading it once in fixed chunks, so a file of any
// size costs one chunk of memory. The tag has jshttp `etag`'s form and the digests the integrity fields' (RFC 9530),
// so both equal those of the same bytes held in memory.

import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, digestFieldValue } from '../fields/integrity-fields';
import { digestStream } from './body-digests';

// Large enough that reads and hash updates run near disk speed, small enough to be nothing next to the caches.
const CHUNK_BYTES = 1024 * 1024;

/** What hashing an open file found: the tag of the bytes read, and how many there were. */
export interface FileHashResult {
  etag: string;
  /** The digest field value of the bytes for each algorithm served (`sha-256=:…:`). */
  digests: Record<DigestAlgorithm, string>;
  bytesRead: number;
}

/**
 * Reads `handle` from its first byte to its end by position (pread), so other readers of the same handle are
 * not disturbed, and returns jshttp `etag`'s `"<length hex>-<sha1 base64, 27 chars>"` of those bytes and their
 * digests.
 *
 * @example
 * const { etag } = await hashFile(await open('big.iso')); // "c0000000-…"
 */
export async function hashFile(handle: FileHandle): Promise<FileHashResult> {
  const hash = createHash('sha1');
  // Every served digest in the same read: a big file is read once per version, whichever a client asks for.
  const digests = DIGEST_ALGORITHMS.map((algorithm) => [algorithm, digestStream(algorithm)] as const);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    const read = chunk.subarray(0, bytesRead);
    hash.update(read);
    for (const [, digest] of digests) digest.update(read);
    position += bytesRead;
  }
  // jshttp etag: the base64 SHA-1 without its padding '=', after the length in hex.
  return {
    etag: `"${position.toString(16)}-${hash.digest('base64').substring(0, 27)}"`,
    digests: Object.fromEntries(
      digests.map(([algorithm, digest]) => [algorithm, digestFieldValue(algorithm, digest.digest())]),
    ) as Record<DigestAlgorithm, string>,
    bytesRead: position,
  };
}
