import {
  cacheHeadersFor,
  DEFAULT_CACHE_CONTROL,
  validateCacheControl,
} from '../../../src/server/cache-headers';
import type { RequestDependence } from '../../../src/engine/request-dependence';

/** What a render that read nothing but files reports. */
const INDEPENDENT: RequestDependence = {
  headers: [],
  personal: false,
  client: false,
  time: false,
  target: false,
};

function dependence(overrides: Partial<RequestDependence>): RequestDependence {
  return { ...INDEPENDENT, ...overrides };
}

describe('cacheHeadersFor', () => {
  it('when the render read only files › the default Cache-Control, no Vary, Last-Modified', () => {
    expect(cacheHeadersFor(INDEPENDENT, {})).toEqual({
      cacheControl: 'public, max-age=0',
      vary: undefined,
      sendLastModified: true,
    });
    expect(DEFAULT_CACHE_CONTROL).toBe('public, max-age=0');
  });

  it('when a Cache-Control is configured › it is used as is', () => {
    const cacheControl = 'public, max-age=60, s-maxage=3600, stale-while-revalidate=30';
    expect(cacheHeadersFor(INDEPENDENT, { cacheControl }).cacheControl).toBe(cacheControl);
  });

  describe('Vary (RFC 9110 §12.5.5)', () => {
    it.each([
      ['nothing varies', [], false, undefined],
      ['compression is negotiable', [], true, 'Accept-Encoding'],
      ['the page read Accept-Language', ['Accept-Language'], false, 'Accept-Language'],
      ['compression and Accept-Language', ['Accept-Language'], true, 'Accept-Encoding, Accept-Language'],
      ['the page also read Accept-Encoding', ['Accept-Encoding', 'DNT'], true, 'Accept-Encoding, DNT'],
      [
        'names differ only in case',
        ['accept-language', 'Accept-Language', 'ACCEPT-LANGUAGE'],
        false,
        'Accept-Language',
      ],
      [
        'several headers, in first-seen order',
        ['X-Lang', 'Accept-Language', 'x-lang'],
        false,
        'X-Lang, Accept-Language',
      ],
      ['the page read Host', ['Host', 'X-Lang'], false, 'X-Lang'],
      ['the page read only Host', ['host'], false, undefined],
      ['a name that is no header', ['X Lang', '', '*'], false, undefined],
      ['a lower-case well-known name', ['dnt', 'x-forwarded-for'], false, 'DNT, X-Forwarded-For'],
    ])('when %s › Vary %p', (_name, headers, compression, vary) => {
      expect(cacheHeadersFor(dependence({ headers }), { compression }).vary).toBe(vary);
    });

    it.each([
      ['personal', { personal: true }],
      ['client', { client: true }],
      ['time', { time: true }],
    ])('when the render is also %s › Vary is kept', (_name, flags) => {
      const result = cacheHeadersFor(dependence({ headers: ['Cookie'], ...flags }), { compression: true });
      expect(result.vary).toBe('Accept-Encoding, Cookie');
    });
  });

  describe('personal: Cookie or Authorization', () => {
    it.each([
      ['the default', undefined, 'private, max-age=0'],
      ['public in the middle', 'max-age=60, public, must-revalidate', 'max-age=60, private, must-revalidate'],
      ['no public', 'max-age=60', 'private, max-age=60'],
      ['s-maxage', 'public, max-age=0, s-maxage=600', 'private, max-age=0'],
      ['proxy-revalidate', 'public, max-age=60, proxy-revalidate', 'private, max-age=60'],
      [
        'stale-while-revalidate',
        'public, max-age=0, stale-while-revalidate=30',
        'private, max-age=0, stale-while-revalidate=30',
      ],
      ['private already', 'private, max-age=60', 'private, max-age=60'],
      ['a qualified private', 'private="Set-Cookie", max-age=60', 'private, max-age=60'],
      ['both public and private', 'public, private, max-age=5', 'private, max-age=5'],
      ['upper-case directives', 'PUBLIC, S-MAXAGE=9, max-age=1', 'private, max-age=1'],
      ['no-store', 'no-store', 'private, no-store'],
      ['a quoted comma', 'public, no-cache="A, B"', 'private, no-cache="A, B"'],
    ])('when the configured Cache-Control has %s › %p', (_name, cacheControl, expected) => {
      const result = cacheHeadersFor(dependence({ personal: true, headers: ['Cookie'] }), { cacheControl });
      expect(result.cacheControl).toBe(expected);
      expect(result.sendLastModified).toBe(true);
    });
  });

  describe('client: REMOTE_* or printenv', () => {
    it.each([
      ['the default', undefined, 'private, no-cache'],
      [
        's-maxage and stale-while-revalidate',
        'public, s-maxage=600, stale-while-revalidate=30',
        'private, no-cache',
      ],
      ['no-store', 'public, no-store', 'private, no-cache, no-store'],
    ])(
      'when the configured Cache-Control is %s › %p and no Last-Modified',
      (_name, cacheControl, expected) => {
        expect(cacheHeadersFor(dependence({ client: true }), { cacheControl })).toEqual({
          cacheControl: expected,
          vary: undefined,
          sendLastModified: false,
        });
      },
    );

    it('when the render is client-dependent and personal › private, no-cache', () => {
      const result = cacheHeadersFor(dependence({ client: true, personal: true }), {});
      expect(result.cacheControl).toBe('private, no-cache');
    });
  });

  describe('time: DATE_LOCAL, DATE_GMT', () => {
    it('when the render read the clock › configured Cache-Control, no Last-Modified', () => {
      expect(cacheHeadersFor(dependence({ time: true }), {})).toEqual({
        cacheControl: 'public, max-age=0',
        vary: undefined,
        sendLastModified: false,
      });
    });

    it('when the render read the clock and a cookie › private, no Last-Modified', () => {
      expect(cacheHeadersFor(dependence({ time: true, personal: true }), {})).toMatchObject({
        cacheControl: 'private, max-age=0',
        sendLastModified: false,
      });
    });
  });
});

describe('validateCacheControl', () => {
  it.each([DEFAULT_CACHE_CONTROL, 'no-store', 'public, max-age=60, stale-if-error=86400', 'private="a, b"'])(
    'when %p › returned',
    (value) => {
      expect(validateCacheControl(value)).toBe(value);
    },
  );

  it.each([
    ['an empty string', '', /empty/],
    ['only spaces', '   ', /empty/],
    ['only commas', ' , ,', /empty/],
    ['a CR LF injection', 'max-age=0\r\nSet-Cookie: a=b', /line break/],
    ['a lone LF', 'max-age=0\n', /line break/],
    ['a NUL', 'max-age=0\0', /control/],
    ['a non-ASCII character', 'max-âge=0', /non-ASCII/],
    ['a number', 60, /got number/],
    ['null', null, /got null/],
    ['undefined', undefined, /got undefined/],
  ])('when %s › TypeError naming the option', (_name, value, reason) => {
    expect(() => validateCacheControl(value)).toThrow(TypeError);
    expect(() => validateCacheControl(value)).toThrow(/Option 'cacheControl'/);
    expect(() => validateCacheControl(value)).toThrow(reason);
  });

  it('when another option name is given › the error names it', () => {
    expect(() => validateCacheControl('', 'privateCacheControl')).toThrow(/Option 'privateCacheControl'/);
  });
});
