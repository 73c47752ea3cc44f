// The ETag cdn-include sends for given bytes, computed here with node:crypto alone, never by the code under test.

import { createHash } from 'node:crypto';

/** `"<length in hex>-<base64 SHA-256, first 27 characters>"` of `bytes` (a string counts as UTF-8). */
export function expectedEntityTag(bytes: Buffer | string): string {
  const buffer = Buffer.from(bytes);
  const sha256 = createHash('sha256').update(buffer).digest('base64');
  return `"${buffer.length.toString(16)}-${sha256.slice(0, 27)}"`;
}
