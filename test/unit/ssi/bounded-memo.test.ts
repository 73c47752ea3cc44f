// BoundedMemo: a memo of pure results whose request-controlled keys cannot grow it past its byte budget.

import { BoundedMemo } from '../../../src/ssi/bounded-memo';
import { negotiateContentCoding } from '../../../src/server/content-coding';

describe('BoundedMemo', () => {
  it('distinct long keys › the keys counted, the total never past the budget', () => {
    const memo = new BoundedMemo<number>({ maxBytes: 64 * 1024, maxEntries: 1000, entryBytes: 64 });
    for (let index = 0; index < 500; index++) memo.remember(`${index}${'x'.repeat(4000)}`, index);
    expect(memo.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(memo.size).toBeLessThanOrEqual(16);
  });

  it('more entries than maxEntries › starts over', () => {
    const memo = new BoundedMemo<number>({ maxBytes: 1 << 20, maxEntries: 3, entryBytes: 0 });
    for (const key of ['a', 'b', 'c', 'd']) memo.remember(key, 1);
    expect(memo.size).toBe(1);
    expect(memo.get('d')).toBe(1);
  });

  it('a key above a tenth of the budget › computed each time, never kept', () => {
    const memo = new BoundedMemo<number>({ maxBytes: 1000, maxEntries: 10, entryBytes: 0 });
    expect(memo.remember('x'.repeat(200), 7)).toBe(7);
    expect(memo.size).toBe(0);
  });

  it('the same key twice › counted once', () => {
    const memo = new BoundedMemo<number>({ maxBytes: 1000, maxEntries: 10, entryBytes: 0 });
    memo.remember('a', 1);
    memo.remember('a', 1);
    expect(memo.bytes).toBe(17);
  });
});

describe('negotiateContentCoding with request-chosen fields', () => {
  it('10,000 distinct 8 KB Accept-Encoding values › each answered right (the memo only forgets)', () => {
    for (let index = 0; index < 10_000; index++)
      expect(negotiateContentCoding(`gzip, x-${index}-${'a'.repeat(8192)}`)).toBe('gzip');
  });
});
