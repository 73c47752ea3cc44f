// encodings tests: mod_include (ap_escape_uri, ap_escape_urlencoded, ap_unescape_*, apr_base64).

import { decodeValue, encodeValue, parseEncodingList } from '../../../src/ssi/encodings';

describe('parseEncodingList', () => {
  it.each([
    ['none', ['none']],
    ['URL, Entity', ['url', 'entity']],
    ['url,,\t base64 ', ['url', 'base64']],
    ['urlencoded', ['urlencoded']],
    ['', []],
    [' , ', []],
  ])('%j › %j', (value, expected) => {
    expect(parseEncodingList(value)).toEqual(expected);
  });

  it.each([['bogus'], ['url,bogus'], ['url\nentity'], ['url;entity'], ['\xc9NTITY']])(
    '%j › undefined',
    (value) => {
      expect(parseEncodingList(value)).toBeUndefined();
    },
  );
});

describe('encodeValue', () => {
  it.each([
    ['none', '<&>', '<&>'],
    ['entity', `<a href="q">&'`, `&lt;a href=&quot;q&quot;&gt;&amp;'`],
    ['url', '# %^', '%23%20%25%5e'],
    ['url', "$-_.+!*'(),:;@&=/~azAZ09", "$-_.+!*'(),:;@&=/~azAZ09"],
    ['url', '"<>?#[]{}|\\^`\x7f\xe9\n', '%22%3c%3e%3f%23%5b%5d%7b%7d%7c%5c%5e%60%7f%e9%0a'],
    ['urlencoded', 'a b&c/d', 'a+b%26c%2fd'],
    ['urlencoded', '.-*_~+%', '.-*_%7e%2b%25'],
    ['base64', 'abc', 'YWJj'],
    ['base64', 'ab', 'YWI='],
    ['base64', '\xff', '/w=='],
    ['base64', '', ''],
  ] as const)('%s of %j › %j', (encoding, value, expected) => {
    expect(encodeValue(encoding, value)).toBe(expected);
  });
});

describe('decodeValue', () => {
  it.each([
    ['none', '%41', '%41'],
    ['entity', '&lt;&#65;&nbsp;', '<A&nbsp;'],
    ['url', '%23%20%25%5E+%zz', '# %^+%zz'],
    ['url', 'a%2Fb', 'a/b'],
    ['url', 'a%00b', 'a'],
    ['urlencoded', 'a+b%26c%2fd', 'a b&c/d'],
    ['urlencoded', '%2B+', '+ '],
    ['base64', 'YWJj', 'abc'],
    ['base64', 'YWI=', 'ab'],
    ['base64', 'YWJjZ', 'abc'],
    ['base64', 'YW Jj', 'a'],
    ['base64', 'YWJ=jZ', 'ab'],
    ['base64', '!!!', ''],
    ['base64', 'YQBi', 'a'],
    ['base64', '/w==', '\xff'],
  ] as const)('%s of %j › %j', (encoding, value, expected) => {
    expect(decodeValue(encoding, value)).toBe(expected);
  });

  it.each(['none', 'entity', 'url', 'urlencoded', 'base64'] as const)(
    '%s › decoding undoes encoding',
    (encoding) => {
      const value = 'a b&c/d<é>"\'+%';
      expect(decodeValue(encoding, encodeValue(encoding, value))).toBe(value);
    },
  );
});
