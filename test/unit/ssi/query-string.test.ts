// query-string tests: ap_unescape_url and QUERY_STRING_UNESCAPED.

import { percentDecode, truncateAtNul, unescapeQueryForShell } from '../../../src/ssi/query-string';

describe('percentDecode', () => {
  it.each([
    ['a%20b', 'a b'],
    ['%41%6a%6A', 'Ajj'],
    ['a+b', 'a+b'],
    ['%zz%4', '%zz%4'],
    ['%', '%'],
    ['%%41', '%A'],
    ['%2F%2f', '//'],
    ['a%00b', 'a\0b'],
    ['%e9', '\xe9'],
    ['plain', 'plain'],
  ])('%j › %j', (text, expected) => {
    expect(percentDecode(text)).toBe(expected);
  });
});

describe('truncateAtNul', () => {
  it.each([
    ['a\0b', 'a'],
    ['ab', 'ab'],
  ])('%j › %j', (text, expected) => {
    expect(truncateAtNul(text)).toBe(expected);
  });
});

describe('unescapeQueryForShell', () => {
  it.each([
    ['a=b%20c&d', 'a=b c\\&d'],
    ['a+b', 'a+b'],
    ['&;`\'"|*?~<>^()[]{}$\\', '\\&\\;\\`\\\'\\"\\|\\*\\?\\~\\<\\>\\^\\(\\)\\[\\]\\{\\}\\$\\\\'],
    ['%0a', '\\\n'],
    ['%0d %25 ! # , = / :', '\r % ! # , = / :'],
    ['%26%3B', '\\&\\;'],
    ['x%00;y', 'x'],
    ['%e9%zz', '\xe9%zz'],
  ])('%j › %j', (query, expected) => {
    expect(unescapeQueryForShell(query)).toBe(expected);
  });
});
