// The cache policy (mod_expires' role): glob and type matching, first match wins, the Cache-Control each rule
// produces, the CDN-only fields, and validation at start-up.

import { compileCachePolicy, pathGlobMatcher } from '../../../src/server/cache-policy';

describe('pathGlobMatcher', () => {
  it.each([
    ['/assets/**', '/assets/a/b/app.js', true],
    ['/assets/**', '/assetsx/app.js', false],
    ['/*.shtml', '/index.shtml', true],
    ['/*.shtml', '/news/index.shtml', false],
    ['/**/*.css', '/a.css', true],
    ['/**/*.css', '/x/y/a.css', true],
    ['/**/*.css', '/x/y/a.css.map', false],
    ['/news/????/*.shtml', '/news/2024/a.shtml', true],
    ['/a+b(1).html', '/a+b(1).html', true],
    ['*.pdf', '/docs/x.pdf', false],
    ['**.pdf', '/docs/x.pdf', true],
    ['/**', '/', true],
    ['/**/index.shtml', '/index.shtml', true],
    ['/news/**', '/news/', true],
    ['/.well-known/**', '/.well-known/security.txt', true],
    ['/a?c', '/a/c', false],
    // Braces, classes and extglobs (picomatch): they used to be taken literally and never match.
    ['/{css,js}/**', '/js/app.js', true],
    ['/{css,js}/**', '/img/a.png', false],
    ['/**/*.{woff,woff2}', '/fonts/a.woff2', true],
    ['/img/[ab].png', '/img/b.png', true],
    ['/img/[ab].png', '/img/c.png', false],
    ['/img/[^ab].png', '/img/c.png', true],
    ['/**/!(*.map)', '/js/app.js', true],
    ['/**/!(*.map)', '/js/app.js.map', false],
    ['/+(a|b).html', '/ab.html', true],
  ])('%s against %s › %s', (glob, path, expected) => {
    expect(pathGlobMatcher(glob)(path)).toBe(expected);
  });

  it('a rule with a brace glob › selects the responses it names', () => {
    const policy = compileCachePolicy([{ path: '/{css,js}/**', maxAge: 600 }]);
    expect(policy.select('/css/site.css', 'text/css')?.cacheControl).toBe('public, max-age=600');
    expect(policy.select('/img/a.png', 'image/png')).toBeUndefined();
  });
});

describe('compileCachePolicy', () => {
  const policy = compileCachePolicy([
    { path: '/assets/**', maxAge: 31536000, immutable: true },
    { type: 'image/*', maxAge: 3600, sMaxAge: 86400, staleIfError: 600 },
    { path: '/account/**', private: true, maxAge: 60 },
    { path: '/live/**', noStore: true },
    {
      type: 'text/html',
      sMaxAge: 300,
      staleWhileRevalidate: 30,
      mustRevalidate: true,
      surrogateControl: 'max-age=3600',
      cdnCacheControl: 'max-age=600',
    },
  ]);

  it('a path rule › its Cache-Control, no CDN fields', () => {
    expect(policy.select('/assets/app.3f2a.js', 'text/javascript')).toEqual({
      cacheControl: 'public, max-age=31536000, immutable',
      cdnHeaders: [],
    });
  });

  it('a type family › matched with parameters ignored', () => {
    expect(policy.select('/img/a.png', 'image/png')?.cacheControl).toBe(
      'public, max-age=3600, s-maxage=86400, stale-if-error=600',
    );
  });

  it('two matching rules › the first wins', () => {
    expect(policy.select('/assets/logo.png', 'image/png')?.cacheControl).toBe(
      'public, max-age=31536000, immutable',
    );
  });

  it('private and noStore › browser-only or nothing stored', () => {
    expect(policy.select('/account/me.shtml', 'text/html')?.cacheControl).toBe('private, max-age=60');
    expect(policy.select('/live/score.shtml', 'text/html')?.cacheControl).toBe('no-store');
  });

  it('an html rule with CDN fields › s-maxage, stale-while-revalidate, Surrogate-Control, CDN-Cache-Control', () => {
    expect(policy.select('/index.shtml', 'text/html; charset=utf-8')).toEqual({
      cacheControl: 'public, max-age=0, s-maxage=300, must-revalidate, stale-while-revalidate=30',
      cdnHeaders: [
        ['Surrogate-Control', 'max-age=3600'],
        ['CDN-Cache-Control', 'max-age=600'],
      ],
    });
  });

  it('no matching rule › undefined, so the configured default applies', () => {
    expect(policy.select('/doc.pdf', 'application/pdf')).toBeUndefined();
    expect(compileCachePolicy([]).select('/', 'text/html')).toBeUndefined();
  });

  it.each([
    ['not a list', { path: '/' }, /must be a list/],
    ['a rule that is not an object', ['/a'], /cacheRules\[0\] must be an object/],
    ['an unknown key', [{ maxage: 5 }], /cacheRules\[0\]: unknown key 'maxage'/],
    ['a negative maxAge', [{ maxAge: -1 }], /cacheRules\[0\]\.maxAge must be a whole number/],
    ['a fractional sMaxAge', [{}, { sMaxAge: 1.5 }], /cacheRules\[1\]\.sMaxAge/],
    ['a string flag', [{ immutable: 'yes' }], /immutable must be true or false/],
    ['a relative path', [{ path: 'assets/**' }], /path must start with/],
    ['a [!…] class', [{ path: '/img/[!ab].png' }], /negated class as \[\^…\]/],
    ['a bad type', [{ type: 'html' }], /type must be a media type/],
    ['a line break', [{ surrogateControl: 'max-age=1\r\nX: 1' }], /surrogateControl must be/],
    ['private with sMaxAge', [{ private: true, sMaxAge: 5 }], /'private' keeps CDNs/],
  ])('%s › TypeError naming the rule and key', (_name, rules, message) => {
    expect(() => compileCachePolicy(rules)).toThrow(TypeError);
    expect(() => compileCachePolicy(rules)).toThrow(message);
  });
});
