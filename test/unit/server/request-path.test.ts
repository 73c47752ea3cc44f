import fc from 'fast-check';
import { parseRequestPath } from '../../../src/server/request-path';

describe('parseRequestPath', () => {
  it.each([
    ['the root', '/', '/', '', false],
    ['a page', '/d/p.shtml', '/d/p.shtml', '', false],
    ['a directory with a trailing slash', '/d/', '/d/', '', false],
    ['a query', '/p.shtml?k=1&x=%20', '/p.shtml', 'k=1&x=%20', true],
    ['an empty query', '/p.shtml?', '/p.shtml', '', true],
    ['a query holding dots and slashes', '/p?../../etc/passwd', '/p', '../../etc/passwd', true],
    ['a query holding a backslash', '/p?a\\b', '/p', 'a\\b', true],
    ['a second question mark', '/p?a?b', '/p', 'a?b', true],
    ['an encoded space', '/a%20b.html', '/a b.html', '', false],
    ['encoded UTF-8', '/caf%C3%A9/%E2%82%AC.html', '/café/€.html', '', false],
    ['an encoded question mark', '/what%3F.html', '/what?.html', '', false],
    ['an encoded percent sign', '/100%25.html', '/100%.html', '', false],
    ['a BOM that must stay', '/%EF%BB%BFx', '/\ufeffx', '', false],
    ['double slashes', '//a//b///c', '/a/b/c', '', false],
    ['double slashes at the end', '/a//', '/a/', '', false],
    ['only slashes', '///', '/', '', false],
    ['dots inside names', '/a..b/c.d./x...', '/a..b/c.d./x...', '', false],
    ['/.well-known/x', '/.well-known/x', '/.well-known/x', '', false],
    ['/.well-known itself', '/.well-known/', '/.well-known/', '', false],
    ['an encoded .well-known', '/%2ewell-known/x', '/.well-known/x', '', false],
    ['a fragment', '/p.shtml#top', '/p.shtml', '', false],
    ['a fragment after a query', '/p?a=1#top', '/p', 'a=1', true],
    ['absolute-form', 'http://example.com/d/p.shtml?a=1', '/d/p.shtml', 'a=1', true],
    ['absolute-form with https and a port', 'HTTPS://example.com:8443/x', '/x', '', false],
    ['absolute-form with no path', 'http://example.com', '/', '', false],
    ['absolute-form with only a query', 'http://example.com?q', '/', 'q', true],
  ])('when %s › ok', (_name, target, path, query, hasQuery) => {
    expect(parseRequestPath(target)).toEqual({ ok: true, path, query, hasQuery });
  });

  it.each([
    ['..', '/../etc/passwd', 403, 'dot-segment'],
    ['.. in the middle', '/a/../../etc/passwd', 403, 'dot-segment'],
    ['.. at the end', '/a/..', 403, 'dot-segment'],
    ['.', '/a/./b', 403, 'dot-segment'],
    ['%2e%2e', '/%2e%2e/etc/passwd', 403, 'dot-segment'],
    ['%2E%2e', '/%2E%2e/etc/passwd', 403, 'dot-segment'],
    ['.%2e', '/a/.%2e/b', 403, 'dot-segment'],
    ['%2E.', '/a/%2E./b', 403, 'dot-segment'],
    ['%2e', '/a/%2e/b', 403, 'dot-segment'],
    ['..%2f', '/..%2f..%2fetc/passwd', 403, 'dot-segment'],
    ['.. in absolute-form', 'http://h/../x', 403, 'dot-segment'],
    ['.. after /.well-known', '/.well-known/../.git/config', 403, 'dot-segment'],
    ['%2f', '/a%2fb', 404, 'encoded-slash'],
    ['%2F', '/a%2Fb', 404, 'encoded-slash'],
    ['a dotfile', '/.htaccess', 404, 'dotfile'],
    ['a dot-directory', '/.git/config', 404, 'dotfile'],
    ['a nested dotfile', '/a/.env', 404, 'dotfile'],
    ['a name of three dots', '/a/...', 404, 'dotfile'],
    ['an encoded dotfile', '/%2egit/config', 404, 'dotfile'],
    ['a dotfile under /.well-known', '/.well-known/.secret', 404, 'dotfile'],
    ['/.well-known below the root', '/a/.well-known/x', 404, 'dotfile'],
    ['/.well-known in another case', '/.Well-Known/x', 404, 'dotfile'],
    ['a raw NUL', '/a\0b', 400, 'nul-byte'],
    ['%00', '/a%00b', 400, 'nul-byte'],
    ['%00 in a dot segment', '/..%00/x', 400, 'nul-byte'],
    ['a raw backslash', '/a\\..\\b', 400, 'backslash'],
    ['%5c', '/..%5c..%5cetc', 400, 'backslash'],
    ['%5C', '/a%5Cb', 400, 'backslash'],
    ['a lone %', '/100%', 400, 'bad-percent-encoding'],
    ['a % with one digit', '/a%2', 400, 'bad-percent-encoding'],
    ['a % with non-hex digits', '/a%zz', 400, 'bad-percent-encoding'],
    ['bad %-encoding after ..', '/../%g0', 400, 'bad-percent-encoding'],
    ['overlong . (%c0%ae)', '/%c0%ae%c0%ae/etc/passwd', 400, 'invalid-utf8'],
    ['overlong / (%c0%af)', '/..%c0%af..%c0%afetc', 400, 'invalid-utf8'],
    ['%e0%80%ae, a three-byte overlong .', '/%e0%80%ae%e0%80%ae/x', 400, 'invalid-utf8'],
    ['Latin-1 bytes', '/caf%E9', 400, 'invalid-utf8'],
    ['a truncated sequence', '/%E2%82', 400, 'invalid-utf8'],
    ['a sequence split by a slash', '/%E2/%82%AC', 400, 'invalid-utf8'],
    ['an encoded surrogate', '/%ED%A0%80', 400, 'invalid-utf8'],
    ['an encoded LF', '/a%0Ab', 400, 'control-character'],
    ['an encoded DEL', '/a%7Fb', 400, 'control-character'],
    ['a raw space', '/a b', 400, 'invalid-character'],
    ['a raw tab', '/a\tb', 400, 'invalid-character'],
    ['raw non-ASCII', '/café', 400, 'invalid-character'],
    ['an empty target', '', 400, 'bad-target'],
    ['asterisk-form', '*', 400, 'bad-target'],
    ['authority-form', 'example.com:443', 400, 'bad-target'],
    ['a relative path', 'a/b', 400, 'bad-target'],
    ['another scheme', 'file:///etc/passwd', 400, 'bad-target'],
  ])('when the target has %s › %p', (_name, target, status, reason) => {
    expect(parseRequestPath(target)).toEqual({ ok: false, status, reason });
  });
});

describe('parseRequestPath properties', () => {
  // Targets built from the characters that matter for traversal, raw and encoded.
  const pieces = [
    '/',
    '.',
    '..',
    '%2e',
    '%2E',
    '%2f',
    '%5c',
    '\\',
    '%00',
    '%c0%ae',
    'a',
    '%20',
    '?',
    '.well-known',
  ];
  const targets = fc
    .array(fc.constantFrom(...pieces), { maxLength: 12 })
    .map((parts) => '/' + parts.join(''));

  it('when any target is accepted › the path starts with / and has no dot segment, // run, NUL or \\', () => {
    fc.assert(
      fc.property(targets, (target) => {
        const result = parseRequestPath(target);
        if (!result.ok) return;
        expect(result.path.startsWith('/')).toBe(true);
        expect(result.path).not.toMatch(/\/\/|\\|\0/);
        expect(result.path.split('/')).not.toContain('..');
        expect(result.path.split('/')).not.toContain('.');
      }),
    );
  });
});
