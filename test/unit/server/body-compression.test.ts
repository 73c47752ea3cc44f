// Compression off the event loop: the same bytes as the inline zlib calls, one compression per form however
// many requests ask at once, and no compression above maxCompressBytes.

import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { compressBody, INLINE_COMPRESSION_LIMIT } from '../../../src/server/body-compression';
import { DEFAULT_MAX_COMPRESS_BYTES, isCompressible } from '../../../src/server/content-coding';
import type { Representation } from '../../../src/server/representation';
import { BodyDigests } from '../../../src/engine/body-digests';
import { RepresentationSet } from '../../../src/server/representation-set';

/** Text that compresses like a real page: varied words, not one repeated byte. */
function pageText(bytes: number): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', '<p>', '</p>', 'zeta', 'eta', 'theta', '\n'];
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += words[(i * 7 + (i >> 3)) % words.length] + ' ';
  return Buffer.from(text.slice(0, bytes));
}

/** The codings as they were made before compression moved off the loop: gzip level 6, brotli quality 5 (text). */
function previousBytes(body: Buffer, coding: 'br' | 'gzip'): Buffer {
  if (coding === 'gzip') return gzipSync(body, { level: 6 });
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 5,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

describe('compressBody', () => {
  it.each([
    ['inline', 'gzip', 4096],
    ['inline', 'br', 4096],
    ['on the threadpool', 'gzip', INLINE_COMPRESSION_LIMIT * 4],
    ['on the threadpool', 'br', INLINE_COMPRESSION_LIMIT * 4],
  ] as const)('%s, %s › the same bytes as before', async (_path, coding, size) => {
    const body = pageText(size);
    expect((await compressBody(body, coding)).equals(previousBytes(body, coding))).toBe(true);
  });

  it('more compressions than threadpool slots › all finish, each with its own bytes', async () => {
    const bodies = [1, 2, 3, 4, 5].map((n) => pageText(INLINE_COMPRESSION_LIMIT * 2 + n));
    const results = await Promise.all(bodies.map((body) => compressBody(body, 'gzip')));
    results.forEach((result, i) => expect(result.equals(previousBytes(bodies[i], 'gzip'))).toBe(true));
  });
});

describe('RepresentationSet.select', () => {
  function identityOf(body: Buffer): Representation {
    return {
      body,
      contentType: 'text/html',
      etag: '"identity"',
      digests: BodyDigests.of(body),
      lastModified: 1000,
      strongFrom: 0,
      cacheControl: 'no-cache',
      vary: 'Accept-Encoding',
    };
  }

  it('concurrent requests for one coding › one compression, the same form and ETag for all', async () => {
    const set = new RepresentationSet(identityOf(pageText(INLINE_COMPRESSION_LIMIT * 3)), true);
    const forms = await Promise.all([1, 2, 3, 4].map(() => set.select('br')));
    for (const form of forms) expect(form).toBe(forms[0]);
    expect(forms[0].contentEncoding).toBe('br');
    expect(await set.select('br')).toBe(forms[0]);
    expect(set.has('br')).toBe(true);
  });
});

describe('isCompressible and maxCompressBytes', () => {
  it.each([
    [DEFAULT_MAX_COMPRESS_BYTES, undefined, true],
    [DEFAULT_MAX_COMPRESS_BYTES + 1, undefined, false],
    [5000, 4096, false],
    [4096, 4096, true],
  ])('a text body of %d bytes with maximum %s › %s', (length, maximum, expected) => {
    expect(isCompressible('text/html', length, 1024, maximum)).toBe(expected);
  });
});
