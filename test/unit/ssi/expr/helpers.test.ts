// The building blocks: apr_fnmatch port, APR subnets, PCRE → JS translation on bytes.

import { compileByteRegex } from '../../../../src/ssi/expr/byte-regex';
import { globMatch } from '../../../../src/ssi/expr/glob-match';
import { isInSubnet, parseSubnet } from '../../../../src/ssi/expr/ip-subnet';
import { execRegex } from './regex-helpers';

describe('globMatch (apr_fnmatch)', () => {
  it.each([
    ['a*', 'abc', {}, true],
    ['a?c', 'abc', {}, true],
    ['a[bx]c', 'abc', {}, true],
    ['a[!b]c', 'abc', {}, false],
    ['a[^x]c', 'abc', {}, true],
    ['[a-c]', 'b', {}, true],
    ['[]]', ']', {}, true],
    ['[', '[', {}, true],
    ['\\*', '*', {}, true],
    ['A*', 'abc', { caseBlind: true }, true],
    ['A*', 'abc', {}, false],
    ['a*', 'a/b', { pathname: true }, false],
    ['a/*', 'a/b', { pathname: true }, true],
    ['*', '', {}, true],
    ['[a-\xe9]', 'b', {}, false],
  ] as const)('pattern %j on %j with %j › %s', (pattern, text, options, expected) => {
    expect(globMatch(pattern, text, options)).toBe(expected);
  });
});

describe('parseSubnet / isInSubnet (apr_ipsubnet_*)', () => {
  it.each([
    ['10.0.0.0/8', '10.9.9.9', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.1', '10.1.200.3', true],
    ['192.168.0.0/255.255.0.0', '192.168.4.4', true],
    ['127.0.0.1', '::ffff:127.0.0.1', true],
    ['2001:db8::/32', '2001:db8::1', true],
    ['2001:db8::/32', '10.0.0.1', false],
  ])('%s contains %s › %s', (subnet, address, expected) => {
    const parsed = parseSubnet(subnet);
    expect(parsed).not.toBeNull();
    expect(parsed !== null && isInSubnet(parsed, address)).toBe(expected);
  });

  it.each(['', 'host.example', '10.0.0.0/33', '10.0.0.0/x', '::ffff:1.2.3.4', '1.2.3.4.5'])(
    '%j › rejected',
    (subnet) => {
      expect(parseSubnet(subnet)).toBeNull();
    },
  );
});

describe('byte regexes (PCRE2 semantics on ByteStrings)', () => {
  it.each([
    ['é does not fold to É under /i (C-locale tables)', '\xc9', true, '\xe9', null],
    ['NBSP is not \\s', '\\s', false, '\xa0', null],
    ['high bytes are not \\w', '\\w', false, '\xe9', null],
    ['. matches a newline (DOTALL default)', 'a.b', false, 'a\nb', ['a\nb']],
    ['$ matches only at the very end (DOLLAR_ENDONLY)', 'a$', false, 'a\n', null],
    ['\\Z matches before a final newline', 'a\\Z', false, 'a\n', ['a']],
    ['POSIX classes', '^[[:digit:]]+$', false, '123', ['123']],
    ['a leading ] in a class is literal', '[]a]+', false, 'a]', ['a]']],
    [
      '\\x{e9} and high bytes round-trip in captures',
      '(\\x{e9}+)',
      false,
      '\xe9\xe9',
      ['\xe9\xe9', '\xe9\xe9'],
    ],
    ['(?P<name>…) and (?P=name)', '(?P<n>a)(?P=n)', false, 'aa', ['aa', 'a']],
    ['\\g{-1} is a relative backreference', '(a)(b)\\g{-1}', false, 'abb', ['abb', 'a', 'b']],
    ['\\Q…\\E quotes metacharacters', 'a\\Q.*\\E', false, 'a.*', ['a.*']],
  ] as const)('%s', (_name, pattern, caseInsensitive, subject, expected) => {
    expect(execRegex(pattern, caseInsensitive, subject)).toEqual({ ok: true, match: expected });
  });

  it.each(['a++', '(?>a)', 'a\\Kb', '\\p{L}', '(?(1)a|b)', 'a\\y'])(
    'unsupported %j › not compiled',
    (pattern) => {
      expect(compileByteRegex(pattern, false).ok).toBe(false);
    },
  );
});
