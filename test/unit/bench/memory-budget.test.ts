import { DEFAULT_FILE_CACHE_BYTES } from '../../../src/engine/caching-file-source';
import { DEFAULT_PAGE_CACHE_BYTES } from '../../../src/server/page-cache';
import {
  cacheBudgetMiB,
  judgeRss,
  RSS_MARGIN_MIB,
  rssLimitMiB,
  SERVE_CACHE_BOUNDS,
} from '../../../bench/memory-budget';

describe('the memory budget of serve', () => {
  it('names the render and file caches with the bounds src/ sets', () => {
    const bytesOf = (name: string) => SERVE_CACHE_BOUNDS.find((bound) => bound.name.startsWith(name))?.bytes;
    expect(bytesOf('render cache')).toBe(DEFAULT_PAGE_CACHE_BYTES);
    expect(bytesOf('file and fragment cache')).toBe(DEFAULT_FILE_CACHE_BYTES);
  });

  it('limit › fresh RSS + the caches + the stated margin', () => {
    expect(rssLimitMiB(50)).toBeCloseTo(50 + cacheBudgetMiB() + RSS_MARGIN_MIB);
    expect(rssLimitMiB(50, [{ name: 'x', bytes: 10 * 1024 * 1024, source: '' }])).toBe(
      50 + 10 + RSS_MARGIN_MIB,
    );
  });

  it.each([
    [100, 'met'],
    [50 + cacheBudgetMiB() + RSS_MARGIN_MIB + 1, 'missed'],
  ])('highest RSS %d MiB after a fresh 50 MiB › %s', (highest, verdict) => {
    expect(judgeRss('100000 pages', highest, 50).verdict).toBe(verdict);
  });

  it('when RSS was not sampled › n/a without a target', () => {
    expect(judgeRss('100000 pages', undefined, undefined)).toMatchObject({
      verdict: 'n/a (RSS not sampled)',
      goal: '',
    });
  });
});
