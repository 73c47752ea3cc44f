// HTTP field syntax: the token rule, list members, sendable values and the flattening of repeated field lines.

import {
  fieldValue,
  isMediaRange,
  isSendableFieldValue,
  isToken,
  listMembers,
} from '../../../src/fields/http-fields';

describe('isToken (RFC 9110 §5.6.2)', () => {
  it.each(['Surrogate-Key', 'max-age', "!#$%&'*+-.^_`|~09AZaz"])('accepts %j', (text) => {
    expect(isToken(text)).toBe(true);
  });
  it.each(['', 'a b', 'a:b', 'a,b', '"x"', 'é', 'a\r\nb', '(x)', 'a/b'])('refuses %j', (text) => {
    expect(isToken(text)).toBe(false);
  });
});

describe('isMediaRange (RFC 9110 §8.3.1)', () => {
  it.each([
    ['text/html', true],
    ['image/*', true],
    ['text', false],
    ['/html', false],
    ['text/', false],
    ['text/ html', false],
  ])('%j → %s', (text, expected) => {
    expect(isMediaRange(text)).toBe(expected);
  });
});

describe('listMembers (RFC 9110 §5.6.1)', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['gzip', ['gzip']],
    [' Accept-Encoding ,\tCookie', ['Accept-Encoding', 'Cookie']],
    [',,a,,  ,b,', ['a', 'b']],
    // Only OWS (SP, HTAB) is trimmed: another space character stays part of the member.
    ['\u00a0a', ['\u00a0a']],
  ])('%j → %j', (value, expected) => {
    expect(listMembers(value)).toEqual(expected);
  });
});

describe('isSendableFieldValue (RFC 9110 §5.5)', () => {
  it.each(['public, max-age=60', '', 'a\tb', '"quoted ~"'])('sends %j', (text) => {
    expect(isSendableFieldValue(text)).toBe(true);
  });
  it.each(['a\r\nSet-Cookie: x', 'a\nb', 'a\0b', 'caf\u00e9', '\x7f'])('refuses %j', (text) => {
    expect(isSendableFieldValue(text)).toBe(false);
  });
});

describe('fieldValue (RFC 9110 §5.3)', () => {
  it('joins repeated lines with a comma and a space, and keeps a single line as it is', () => {
    expect(fieldValue(['"a"', '"b"'])).toBe('"a", "b"');
    expect(fieldValue('"a",  "b"')).toBe('"a",  "b"');
    expect(fieldValue(undefined)).toBeUndefined();
  });
});
