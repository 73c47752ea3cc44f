// Validators derived from the dependency set, and the history that keeps Last-Modified moving forward.

import { type Dependency } from '../../../src/engine/dependency-set';
import { nextLastModified } from '../../../src/engine/validator-history';
import { entityTagOf, virtualLastModified } from '../../../src/engine/validators';

const dependency = (mtimeMs: number, exists = true): Dependency => ({
  path: '/x',
  role: 'include',
  exists,
  mtimeMs,
  size: 1,
});

describe('virtualLastModified', () => {
  it('the newest mtime › floored to the second', () => {
    expect(
      virtualLastModified([dependency(1_000_500), dependency(3_000_999), dependency(2_000_000)], 10_000_000),
    ).toBe(3_000_000);
  });

  it('a future mtime › clamped to now', () => {
    expect(virtualLastModified([dependency(50_000_000)], 10_000_400)).toBe(10_000_000);
  });

  it('a missing dependency › counts with its directory mtime', () => {
    expect(virtualLastModified([dependency(1_000_000), dependency(7_000_000, false)], 10_000_000)).toBe(
      7_000_000,
    );
  });
});

describe('entityTagOf', () => {
  it('same bytes › same strong tag; other bytes › another tag', () => {
    const tag = entityTagOf(Buffer.from('abc'));
    expect(tag).toMatch(/^"[^"]+"$/);
    expect(entityTagOf(Buffer.from('abc'))).toBe(tag);
    expect(entityTagOf(Buffer.from('abd'))).not.toBe(tag);
  });
});

describe('nextLastModified', () => {
  it.each([
    ['first render › the computed date', undefined, '"a"', 5000, 9000, 5000],
    ['newer mtime › the computed date', { etag: '"a"', lastModified: 5000 }, '"b"', 6000, 9000, 6000],
    [
      'same bytes, an older computed date › keeps the previous date',
      { etag: '"a"', lastModified: 5000 },
      '"a"',
      4000,
      9000,
      5000,
    ],
    [
      'new bytes, no newer mtime (an older file swapped in) › now',
      { etag: '"a"', lastModified: 5000 },
      '"b"',
      4000,
      9000,
      9000,
    ],
    [
      'new bytes within the previous date’s second › none can be honest',
      { etag: '"a"', lastModified: 9000 },
      '"b"',
      4000,
      9000,
      undefined,
    ],
  ])('%s', (_name, previous, etag, computed, now, expected) => {
    expect(nextLastModified(previous, etag, computed, now)).toBe(expected);
  });
});
