// Hashes an open file into its strong ETag and its digests by reading it once in fixed chunks, so a file of any
// size costs one chunk of memory. The tag is entityTagOfDigest's and the digests the integrity fields' (RFC 9530),
// so both equal those of the same bytes held in memory.

import type { FileHandle } from 'node:fs/promises';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, digestFieldValue } from '../fields/integrity-fields';
import { digestStream } from './body-digests';
import { entityTagOfDigest } from './validators';

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
 * not disturbed, and returns the ETag of those bytes (entityTagOfDigest) and their digests.
 *
 * @example
 * const { etag } = await hashFile(await open('big.iso')); // "c0000000-…"
 */
export async function hashFile(handle: FileHandle): Promise<FileHashResult> {
  // Every served digest in the same read: a big file is read once per version, whichever a client asks for.
  const digests = DIGEST_ALGORITHMS.map((algorithm) => [algorithm, digestStream(algorithm)] as const);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    const read = chunk.subarray(0, bytesRead);
    for (const [, digest] of digests) digest.update(read);
    position += bytesRead;
  }
  const values = Object.fromEntries(
    digests.map(([algorithm, digest]) => [algorithm, digest.digest()]),
  ) as Record<DigestAlgorithm, Buffer>;
  return {
    etag: entityTagOfDigest(position, values['sha-256']),
    digests: Object.fromEntries(
      DIGEST_ALGORITHMS.map((algorithm) => [algorithm, digestFieldValue(algorithm, values[algorithm])]),
    ) as Record<DigestAlgorithm, string>,
    bytesRead: position,
  };
}
