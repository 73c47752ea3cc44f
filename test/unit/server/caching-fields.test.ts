// The caching fields of a response (cachingFieldsFor): one rule for pages and static files alike, computed once
// per built response; Last-Modified strength as a time (strongFrom) instead of a flag that flips later.

import { type RequestDependence } from '../../../src/engine/request-dependence';
import {
  type CachingFieldsInput,
  cachingFieldsFor,
  type CachingSettings,
  contentTypeOf,
  datedFields,
  unsettledFields,
} from '../../../src/server/caching-fields';
import { compileCachePolicy } from '../../../src/server/cache-policy';
import { tagOf } from '../../../src/server/purge-tags';

const NOW = 10_000_400;
const SETTINGS: CachingSettings = {
  cacheControl: 'public, max-age=0',
  staticCacheControl: 'public, max-age=60',
};

function fieldsOf(overrides: Partial<CachingFieldsInput> = {}) {
  const kind = overrides.kind ?? 'page';
  const path = overrides.path ?? (kind === 'page' ? '/index.shtml' : '/style.css');
  return cachingFieldsFor({
    kind,
    path,
    contentType: contentTypeOf(kind, path),
    length: 2048,
    dependencies: [{ path, mtimeMs: 8_000_000 }],
    settings: SETTINGS,
    tags: undefined,
    now: NOW,
    ...overrides,
  });
}

function read(overrides: Partial<RequestDependence>): RequestDependence {
  return { headers: [], personal: false, client: false, time: false, target: false, ...overrides };
}

describe('cachingFieldsFor', () => {
  it('the result › frozen', () => {
    expect(Object.isFrozen(fieldsOf())).toBe(true);
  });

  describe('Cache-Control', () => {
    it.each([
      ['page', '/index.shtml', 'public, max-age=0'],
      ['static', '/style.css', 'public, max-age=60'],
    ] as const)('a %s no rule matches › its default (%s)', (kind, path, cacheControl) => {
      expect(fieldsOf({ kind, path }).cacheControl).toBe(cacheControl);
    });

    it.each(['page', 'static'] as const)('a %s a rule matches › the rule, and its CDN fields', (kind) => {
      const rules = compileCachePolicy([{ path: '/**', maxAge: 300, surrogateControl: 'max-age=3600' }]);
      const fields = fieldsOf({ kind, settings: { ...SETTINGS, rules } });
      expect(fields.cacheControl).toBe('public, max-age=300');
      expect(fields.cdnHeaders).toEqual([['Surrogate-Control', 'max-age=3600']]);
    });

    it('a rule by type › matched against the Content-Type given', () => {
      const rules = compileCachePolicy([{ type: 'text/css', maxAge: 31536000, immutable: true }]);
      const settings = { ...SETTINGS, rules };
      expect(fieldsOf({ kind: 'static', settings }).cacheControl).toBe('public, max-age=31536000, immutable');
      expect(fieldsOf({ kind: 'page', settings }).cacheControl).toBe('public, max-age=0');
    });

    it('a page that read Cookie › the rule made private, without its CDN-only fields', () => {
      const rules = compileCachePolicy([{ maxAge: 300, sMaxAge: 600, cdnCacheControl: 'max-age=600' }]);
      const fields = fieldsOf({ settings: { ...SETTINGS, rules }, dependence: read({ personal: true }) });
      expect(fields.cacheControl).toBe('private, max-age=300');
      expect(fields.cdnHeaders).toBeUndefined();
    });
  });

  describe('Vary and compression', () => {
    const compressing = { ...SETTINGS, compressionThreshold: 1024 };

    it.each(['page', 'static'] as const)('a compressible %s › Vary: Accept-Encoding', (kind) => {
      const fields = fieldsOf({ kind, settings: compressing });
      expect(fields.compressible).toBe(true);
      expect(fields.vary).toBe('Accept-Encoding');
    });

    it.each([
      ['compression is off', { settings: SETTINGS }],
      ['the body is under the threshold', { settings: compressing, length: 1023 }],
      ['the body is over maxCompressBytes', { settings: { ...compressing, maxCompressBytes: 2047 } }],
      ['the body is streamed from disk', { settings: compressing, streamed: true }],
      ['the type does not compress', { settings: compressing, kind: 'static', path: '/a.png' }],
    ] as const)('%s › not compressible, nothing varies', (_, overrides) => {
      const fields = fieldsOf(overrides as Partial<CachingFieldsInput>);
      expect(fields.compressible).toBe(false);
      expect(fields.vary).toBeUndefined();
    });

    it('a page that read Accept-Language › Vary names it after Accept-Encoding', () => {
      const fields = fieldsOf({ settings: compressing, dependence: read({ headers: ['Accept-Language'] }) });
      expect(fields.vary).toBe('Accept-Encoding, Accept-Language');
    });
  });

  describe('purge tags', () => {
    it('tags on › one per dependency, after the rule’s CDN fields', () => {
      const fields = fieldsOf({
        dependencies: [
          { path: '/index.shtml', mtimeMs: 0 },
          { path: '/inc/nav.html', mtimeMs: 0 },
        ],
        tags: { cacheTagHeader: false },
      });
      expect(fields.cdnHeaders).toEqual([
        ['Surrogate-Key', `${tagOf('/index.shtml')} ${tagOf('/inc/nav.html')}`],
      ]);
      expect(fields.tagProblem).toBeUndefined();
    });

    it('tags that do not fit at all › private, no CDN fields, and the problem to report', () => {
      const fields = fieldsOf({ tags: { maxHeaderBytes: 5 } });
      expect(fields.cacheControl).toBe('private, max-age=0');
      expect(fields.cdnHeaders).toEqual([]);
      expect(fields.tagProblem?.code).toBe('purge-tags-dropped');
    });
  });

  describe('Last-Modified', () => {
    it('the newest dependency › floored to the second; a missing one counts with its folder', () => {
      const dependencies = [
        { path: '/index.shtml', mtimeMs: 3_000_999 },
        { path: '/inc/gone.html', mtimeMs: 7_000_500 },
      ];
      expect(fieldsOf({ dependencies }).lastModified).toBe(7_000_000);
    });

    it.each(['page', 'static'] as const)('a %s dated in the future › now, floored', (kind) => {
      expect(fieldsOf({ kind, dependencies: [{ path: '/x', mtimeMs: 50_000_000 }] }).lastModified).toBe(
        10_000_000,
      );
    });

    it('the release switched after the files › the switch, never earlier', () => {
      const settings = { ...SETTINGS, lastModifiedFloor: 9_000_000 };
      expect(fieldsOf({ settings }).lastModified).toBe(9_000_000);
    });

    it('before the release’s first second › none (RFC 9110 §8.8.2.1)', () => {
      const settings = { ...SETTINGS, lastModifiedFloor: 11_000_000 };
      expect(fieldsOf({ kind: 'static', settings }).lastModified).toBeUndefined();
      expect(fieldsOf({ kind: 'static', settings }).strongFrom).toBe(Infinity);
    });

    it.each([
      ['the client', { client: true }],
      ['the clock', { time: true }],
    ])('a page that read %s › none, never strong', (_, dependence) => {
      const fields = fieldsOf({ dependence: read(dependence) });
      expect(fields.lastModified).toBeUndefined();
      expect(fields.strongFrom).toBe(Infinity);
    });
  });

  describe('strongFrom (RFC 9110 §8.8.2.2)', () => {
    it('a dependency changed within the last second › strong only a second after that change', () => {
      const fields = fieldsOf({ dependencies: [{ path: '/index.shtml', mtimeMs: 9_999_500 }] });
      expect(fields.strongFrom).toBe(10_000_500);
      expect(NOW >= fields.strongFrom).toBe(false);
      const old = fieldsOf({ dependencies: [{ path: '/index.shtml', mtimeMs: 8_000_000 }] });
      expect(NOW >= old.strongFrom).toBe(true);
    });

    it('a change in the future › strong a second after it, not after the Last-Modified sent meanwhile', () => {
      const fields = fieldsOf({ dependencies: [{ path: '/index.shtml', mtimeMs: 50_000_000 }] });
      expect(fields.strongFrom).toBe(50_001_000);
    });

    it('a release switched after the files › strong a second after the switch', () => {
      const settings = { ...SETTINGS, lastModifiedFloor: 10_000_000 };
      expect(fieldsOf({ settings }).strongFrom).toBe(10_001_000);
    });

    it('pages and static files › the same rule', () => {
      for (const mtimeMs of [8_000_000, 9_999_999, 10_000_400, 12_000_000]) {
        const dependencies = [{ path: '/a', mtimeMs }];
        expect(fieldsOf({ kind: 'static', dependencies }).strongFrom).toBe(
          fieldsOf({ kind: 'page', dependencies }).strongFrom,
        );
      }
    });
  });
});

describe('datedFields', () => {
  const files = fieldsOf({ dependencies: [{ path: '/index.shtml', mtimeMs: 8_000_000 }] });

  it('the ledger keeps the files’ date › strong as the files made it', () => {
    expect(datedFields(files, { lastModified: 8_000_000, notModifiedSince: 8_000_000 })).toEqual({
      lastModified: 8_000_000,
      notModifiedSince: 8_000_000,
      strongFrom: files.strongFrom,
    });
  });

  it('the ledger dates it later (now) › strong a second after that date', () => {
    expect(datedFields(files, { lastModified: 10_000_000, notModifiedSince: 10_000_000 }).strongFrom).toBe(
      10_001_000,
    );
  });

  it('a doubted first contact (notModifiedSince after it) › never strong', () => {
    expect(datedFields(files, { lastModified: 8_000_000, notModifiedSince: 9_000_000 }).strongFrom).toBe(
      Infinity,
    );
  });

  it('no date the ledger can stand by › no Last-Modified, never strong', () => {
    expect(datedFields(files, {})).toEqual({
      lastModified: undefined,
      notModifiedSince: undefined,
      strongFrom: Infinity,
    });
  });
});

describe('unsettledFields', () => {
  it('a response read while its files changed › no-store, no date, nothing varies, no CDN caching orders', () => {
    const rules = compileCachePolicy([{ maxAge: 60, surrogateControl: 'max-age=600' }]);
    const settled = fieldsOf({
      settings: { ...SETTINGS, rules, compressionThreshold: 1 },
      tags: { cacheTagHeader: false },
    });
    const unsettled = unsettledFields(settled);
    expect(unsettled).toMatchObject({
      cacheControl: 'no-store',
      vary: undefined,
      lastModified: undefined,
      strongFrom: Infinity,
      compressible: false,
    });
    expect(unsettled.cdnHeaders).toEqual([['Surrogate-Key', tagOf('/index.shtml')]]);
    expect(Object.isFrozen(unsettled)).toBe(true);
    expect(settled.cacheControl).toBe('public, max-age=60');
  });
});

describe('contentTypeOf', () => {
  it.each([
    ['page', '/index.shtml', 'text/html'],
    ['page', '/style.css.shtml', 'text/html'],
    ['page', '/feed.txt', 'text/plain'],
    ['static', '/style.css', 'text/css'],
    ['static', '/unknown.zzz', undefined],
  ] as const)('a %s at %s › %s', (kind, path, type) => {
    expect(contentTypeOf(kind, path)).toBe(type);
  });
});
