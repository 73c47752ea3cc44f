import {
  checkUnderLoad,
  DEFAULT_UNDER_LOAD_CACHE_CONTROL,
  DEFAULT_UNDER_LOAD_CDN_CACHE_CONTROL,
  lengthened,
  type NormalCachingFields,
  type ResolvedUnderLoad,
  underLoadFieldsOf,
} from '../../../src/server/under-load-fields';

const DEFAULTS = checkUnderLoad({}) as ResolvedUnderLoad;

function normal(cacheControl: string | undefined, targeted: Partial<NormalCachingFields> = {}) {
  return { cacheControl, cdnCacheControl: undefined, surrogateControl: undefined, ...targeted };
}

describe('checkUnderLoad', () => {
  it('when nothing is given › the documented defaults, Surrogate-Control as CDN-Cache-Control', () => {
    expect(DEFAULT_UNDER_LOAD_CDN_CACHE_CONTROL).toBe(
      'max-age=60, stale-while-revalidate=600, stale-if-error=86400',
    );
    expect(DEFAULT_UNDER_LOAD_CACHE_CONTROL).toBe(
      's-maxage=60, stale-while-revalidate=600, stale-if-error=86400',
    );
    expect(DEFAULTS).toEqual({
      cdnCacheControl: [
        ['max-age', 60],
        ['stale-while-revalidate', 600],
        ['stale-if-error', 86400],
      ],
      surrogateControl: DEFAULTS.cdnCacheControl,
      cacheControl: [
        ['s-maxage', 60],
        ['stale-while-revalidate', 600],
        ['stale-if-error', 86400],
      ],
    });
    expect(checkUnderLoad(undefined)).toEqual(DEFAULTS);
  });

  it('when false › off; a field set to false › that field is left alone', () => {
    expect(checkUnderLoad(false)).toBeUndefined();
    const settings = checkUnderLoad({
      cacheControl: false,
      surrogateControl: false,
      cdnCacheControl: 'Max-Age=5',
    });
    expect(settings).toEqual({
      cdnCacheControl: [['max-age', 5]],
      surrogateControl: undefined,
      cacheControl: undefined,
    });
  });

  it.each([
    [[], 'offload.underLoad must be false or an object'],
    [true, 'offload.underLoad must be false or an object'],
    [
      { cdn: 'max-age=1' },
      "offload.underLoad has an unknown key 'cdn' (known: cdnCacheControl, surrogateControl, cacheControl)",
    ],
    [{ cacheControl: 'public, max-age=1' }, 'offload.underLoad.cacheControl must be false or lifetimes'],
    [{ cacheControl: 'max-age=-1' }, 'offload.underLoad.cacheControl must be false or lifetimes'],
    [{ cacheControl: 'max-age="1"' }, 'offload.underLoad.cacheControl must be false or lifetimes'],
    [{ cdnCacheControl: '' }, 'offload.underLoad.cdnCacheControl must be false or lifetimes'],
    [{ surrogateControl: 60 }, 'offload.underLoad.surrogateControl must be false or lifetimes'],
    [{ cdnCacheControl: 'max-age=1, max-age=2' }, 'offload.underLoad.cdnCacheControl names max-age twice'],
  ])('when %j › one line naming the field', (value, message) => {
    expect(() => checkUnderLoad(value)).toThrow(message);
  });
});

describe('lengthened', () => {
  it.each([
    ['public, max-age=0', [['max-age', 60]], 'public, max-age=60'],
    ['public, max-age=3600', [['max-age', 60]], 'public, max-age=3600'],
    [
      'public, max-age=0, immutable',
      [['stale-if-error', 10]],
      'public, max-age=0, immutable, stale-if-error=10',
    ],
    ['', [['max-age', 60]], 'max-age=60'],
    ['public, max-age=bogus', [['max-age', 60]], 'public, max-age=60'],
  ] as const)('%s with %j › %s', (base, lifetimes, expected) => {
    expect(lengthened(base, lifetimes)).toBe(expected);
  });
});

describe('underLoadFieldsOf', () => {
  it('a page with the default policy › every field gets the under-load lifetimes', () => {
    expect(underLoadFieldsOf(normal('public, max-age=0'), DEFAULTS)).toEqual({
      cacheControl: 'public, max-age=0, s-maxage=60, stale-while-revalidate=600, stale-if-error=86400',
      cdnCacheControl: 'max-age=60, stale-while-revalidate=600, stale-if-error=86400',
      surrogateControl: 'max-age=60, stale-while-revalidate=600, stale-if-error=86400',
    });
  });

  it('a year-long asset without targeted fields › no lifetime is shortened (RFC 9213 §2.1)', () => {
    const fields = underLoadFieldsOf(normal('public, max-age=31536000, immutable'), DEFAULTS);
    expect(fields?.cdnCacheControl).toBe(
      'max-age=31536000, immutable, stale-while-revalidate=600, stale-if-error=86400',
    );
    expect(fields?.cacheControl).toBe(
      'public, max-age=31536000, immutable, s-maxage=60, stale-while-revalidate=600, stale-if-error=86400',
    );
  });

  it('s-maxage in Cache-Control › the targeted fields start from it, not from max-age', () => {
    const fields = underLoadFieldsOf(normal('public, max-age=0, s-maxage=300'), DEFAULTS);
    expect(fields?.cdnCacheControl).toBe('max-age=300, stale-while-revalidate=600, stale-if-error=86400');
    expect(fields?.cacheControl).toBe(
      'public, max-age=0, s-maxage=300, stale-while-revalidate=600, stale-if-error=86400',
    );
  });

  it('a rule’s own targeted fields › lengthened, their longer lifetimes kept', () => {
    const fields = underLoadFieldsOf(
      normal('public, max-age=0', { cdnCacheControl: 'max-age=30', surrogateControl: 'max-age=3600' }),
      DEFAULTS,
    );
    expect(fields?.cdnCacheControl).toBe('max-age=60, stale-while-revalidate=600, stale-if-error=86400');
    expect(fields?.surrogateControl).toBe('max-age=3600, stale-while-revalidate=600, stale-if-error=86400');
  });

  it.each([
    ['private, max-age=60', {}],
    ['no-store', {}],
    ['private, no-cache', {}],
    ['public, max-age=60, must-revalidate', {}],
    ['public, max-age=60, proxy-revalidate', {}],
    ['public, max-age=60', { cdnCacheControl: 'no-store' }],
    ['public, max-age=60', { surrogateControl: 'no-store' }],
    [undefined, {}],
  ])('when the response says %s %j › it keeps its own fields', (cacheControl, targeted) => {
    expect(underLoadFieldsOf(normal(cacheControl, targeted), DEFAULTS)).toBeUndefined();
  });

  it('fields turned off › left undefined (sent as they were)', () => {
    const settings = checkUnderLoad({ cacheControl: false, surrogateControl: false }) as ResolvedUnderLoad;
    expect(underLoadFieldsOf(normal('public, max-age=0'), settings)).toEqual({
      cacheControl: undefined,
      cdnCacheControl: 'max-age=60, stale-while-revalidate=600, stale-if-error=86400',
      surrogateControl: undefined,
    });
  });
});
