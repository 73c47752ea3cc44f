// What a shared cache does with a response (RFC 9111), as tables of header literals.

import { parseCacheControl } from '../../../src/fields/cache-control';
import { sharedCacheBehaviour, type CacheRelevantHeaders } from '../../../src/check/cdn-behaviour';

const DATE = 'Tue, 04 Mar 2025 12:00:00 GMT';
const TEN_HOURS_EARLIER = 'Tue, 04 Mar 2025 02:00:00 GMT';

describe('parseCacheControl', () => {
  it.each([
    [
      'public, max-age=60',
      [
        ['public', ''],
        ['max-age', '60'],
      ],
    ],
    [
      'Max-Age=5 ,  S-MAXAGE=10',
      [
        ['max-age', '5'],
        ['s-maxage', '10'],
      ],
    ],
    [
      'no-cache="Set-Cookie, X-Foo", private',
      [
        ['no-cache', 'Set-Cookie, X-Foo'],
        ['private', ''],
      ],
    ],
    ['max-age=1, max-age=100', [['max-age', '1']]],
    ['', []],
  ])('%j › %j', (value, entries) => {
    expect([...parseCacheControl(value)]).toEqual(entries);
  });
});

describe('sharedCacheBehaviour', () => {
  const behaviour = (headers: CacheRelevantHeaders, status = 200) => sharedCacheBehaviour(status, headers);

  it.each<[string, CacheRelevantHeaders, number, string]>([
    [
      's-maxage wins over max-age and Expires',
      { 'cache-control': 'max-age=5, s-maxage=60', expires: DATE, date: DATE },
      60,
      's-maxage',
    ],
    [
      'max-age wins over Expires',
      { 'cache-control': 'public, max-age=5', expires: 'Tue, 04 Mar 2025 13:00:00 GMT', date: DATE },
      5,
      'max-age',
    ],
    [
      'Expires − Date without max-age',
      { expires: 'Tue, 04 Mar 2025 13:00:00 GMT', date: DATE },
      3600,
      'expires',
    ],
    ['an invalid Expires means already expired', { expires: '0', date: DATE }, 0, 'expires'],
    ['an invalid max-age means stale', { 'cache-control': 'max-age=soon' }, 0, 'max-age'],
    [
      '10% of Date − Last-Modified as heuristic',
      { date: DATE, 'last-modified': TEN_HOURS_EARLIER },
      3600,
      'heuristic',
    ],
    ['nothing to go by', { date: DATE }, 0, 'none'],
  ])('when %s › fresh for the expected seconds', (_name, headers, seconds, source) => {
    expect(behaviour(headers)).toMatchObject({ freshnessLifetime: seconds, freshnessSource: source });
  });

  it.each<[string, CacheRelevantHeaders, number, RegExp | undefined]>([
    ['public, max-age=0', { 'cache-control': 'public, max-age=0' }, 200, undefined],
    [
      'no-store',
      { 'cache-control': 'public, no-store' },
      200,
      /^Cache-Control: no-store \(RFC 9111 §5\.2\.2\.5\)$/,
    ],
    ['private', { 'cache-control': 'private, max-age=60' }, 200, /^Cache-Control: private /],
    [
      'qualified private only strips fields',
      { 'cache-control': 'private="Set-Cookie", max-age=60' },
      200,
      undefined,
    ],
    ['a 404 is heuristically cacheable', {}, 404, undefined],
    ['a 500 without explicit freshness', {}, 500, /^status 500 is not heuristically cacheable/],
    ['a 500 with max-age', { 'cache-control': 'max-age=10' }, 500, undefined],
  ])('when %s › storable unless a reason says otherwise', (_name, headers, status, reason) => {
    const result = behaviour(headers, status);
    expect(result.storable).toBe(reason === undefined);
    if (reason === undefined) expect(result.notStorableBecause).toBeUndefined();
    else expect(result.notStorableBecause).toMatch(reason);
  });

  it('when the response has ETag and Last-Modified › revalidates with If-None-Match first, then If-Modified-Since', () => {
    expect(behaviour({ etag: '"abc"', 'last-modified': TEN_HOURS_EARLIER }).validators).toEqual([
      { field: 'If-None-Match', value: '"abc"' },
      { field: 'If-Modified-Since', value: TEN_HOURS_EARLIER },
    ]);
  });

  it('when no-cache is unqualified › revalidates every use; when qualified › does not', () => {
    expect(behaviour({ 'cache-control': 'no-cache, max-age=60' }).revalidatesEveryUse).toBe(true);
    expect(behaviour({ 'cache-control': 'no-cache="Set-Cookie", max-age=60' }).revalidatesEveryUse).toBe(
      false,
    );
  });

  it('when stale-while-revalidate and stale-if-error are given › reports both windows', () => {
    const result = behaviour({
      'cache-control': 'max-age=60, stale-while-revalidate=30, stale-if-error=86400',
    });
    expect(result).toMatchObject({
      staleWhileRevalidate: 30,
      staleIfError: 86400,
      staleForbiddenBy: undefined,
    });
  });

  it.each([
    ['max-age=60, must-revalidate', 'must-revalidate'],
    ['max-age=60, proxy-revalidate', 'proxy-revalidate'],
    ['s-maxage=60, stale-while-revalidate=30', 's-maxage'],
  ])('when Cache-Control is %s › stale reuse is forbidden by %s', (cacheControl, directive) => {
    expect(behaviour({ 'cache-control': cacheControl }).staleForbiddenBy).toBe(directive);
  });

  it('when the response carries Age › reports it', () => {
    expect(behaviour({ 'cache-control': 'max-age=60', age: '25' })).toMatchObject({
      freshnessLifetime: 60,
      age: 25,
    });
  });

  it.each<[string | undefined, string[], boolean]>([
    [undefined, [], false],
    ['Accept-Encoding, Accept-Language', ['Accept-Encoding', 'Accept-Language'], false],
    ['Accept-Encoding, *', ['Accept-Encoding'], true],
  ])('when Vary is %j › varies on %j, any: %s', (vary, names, any) => {
    expect(behaviour({ vary })).toMatchObject({ varyOn: names, varyAny: any });
  });
});
