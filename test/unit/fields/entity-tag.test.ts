import {
  type EntityTag,
  isStrongMatch,
  isWeakMatch,
  parseEntityTag,
  parseEntityTagList,
} from '../../../src/fields/entity-tag';

const strong = (opaque: string): EntityTag => ({ weak: false, opaque });
const weak = (opaque: string): EntityTag => ({ weak: true, opaque });

describe('parseEntityTag', () => {
  it.each([
    ['a strong tag', '"abc"', strong('abc')],
    ['a weak tag', 'W/"abc"', weak('abc')],
    ['an empty tag', '""', strong('')],
    ['a tag with every kind of etagc', '"!#~-_/"', strong('!#~-_/')],
    ['a tag with obs-text', '"caf\xe9"', strong('caf\xe9')],
    ['a base64url hash', '"q1w2E3r4T5y6U7i8O9p0-_"', strong('q1w2E3r4T5y6U7i8O9p0-_')],
  ])('when %s › parsed', (_name, value, expected) => {
    expect(parseEntityTag(value)).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['unquoted', 'abc'],
    ['a lowercase weak prefix', 'w/"abc"'],
    ['a space after W/', 'W/ "abc"'],
    ['an unterminated quote', '"abc'],
    ['a quote inside', '"a"b"'],
    ['a space inside', '"a b"'],
    ['a control character inside', '"a\tb"'],
    ['a character above 0xFF', '"\u20ac"'],
    ['a leading space', ' "abc"'],
    ['a trailing space', '"abc" '],
    ['two tags', '"a", "b"'],
    ['a star', '*'],
    ['an HTTP-date', 'Sun, 06 Nov 1994 08:49:37 GMT'],
  ])('when %s › undefined', (_name, value) => {
    expect(parseEntityTag(value)).toBeUndefined();
  });
});

describe('parseEntityTagList', () => {
  it.each([
    ['a star', '*', '*'],
    ['a star with OWS', ' * ', '*'],
    ['one tag', '"a"', [strong('a')]],
    ['two tags with OWS', '"x", "y"', [strong('x'), strong('y')]],
    ['tags without spaces', '"x","y"', [strong('x'), strong('y')]],
    ['weak and strong tags', 'W/"a", "b",W/"c"', [weak('a'), strong('b'), weak('c')]],
    ['tabs as OWS', '"a"\t,\t"b"', [strong('a'), strong('b')]],
    ['empty list elements', ', "a", , "b",', [strong('a'), strong('b')]],
    ['a tag containing a comma', '"a,b"', [strong('a,b')]],
    ['a tag that is a star in quotes', '"*"', [strong('*')]],
  ])('when %s › parsed', (_name, value, expected) => {
    expect(parseEntityTagList(value)).toEqual(expected);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['only commas and spaces', ' , ,'],
    ['a star mixed with tags', '*, "a"'],
    ['a tag then a star', '"a", *'],
    ['two stars', '*, *'],
    ['an unquoted tag', 'abc'],
    ['an unquoted tag among quoted ones', '"a", b'],
    ['tags without a comma', '"a" "b"'],
    ['a lowercase weak prefix', 'w/"a"'],
    ['an unterminated quote', '"a", "b'],
    ['a semicolon separator', '"a"; "b"'],
  ])('when %s › undefined (treated as absent)', (_name, value) => {
    expect(parseEntityTagList(value)).toBeUndefined();
  });
});

describe('entity-tag comparison (RFC 9110 §8.8.3.2 table)', () => {
  it.each([
    ['W/"1" and W/"1"', false, true, weak('1'), weak('1')],
    ['W/"1" and W/"2"', false, false, weak('1'), weak('2')],
    ['W/"1" and "1"', false, true, weak('1'), strong('1')],
    ['"1" and "1"', true, true, strong('1'), strong('1')],
    ['"1" and "2"', false, false, strong('1'), strong('2')],
  ])('when comparing %s › strong match %p, weak match %p', (_name, strongResult, weakResult, a, b) => {
    expect(isStrongMatch(a, b)).toBe(strongResult);
    expect(isStrongMatch(b, a)).toBe(strongResult);
    expect(isWeakMatch(a, b)).toBe(weakResult);
    expect(isWeakMatch(b, a)).toBe(weakResult);
  });
});
