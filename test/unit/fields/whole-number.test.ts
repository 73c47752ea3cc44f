// The one whole-number option rule and the one way its messages describe a range.

import {
  describeWholeNumber,
  isWholeNumber,
  wholeNumberFromText,
  wholeNumberOption,
} from '../../../src/fields/whole-number';

describe('isWholeNumber', () => {
  it.each([
    [0, { min: 0 }],
    [65535, { min: 0, max: 65535 }],
    [1, { min: 1, max: 1 }],
    [Number.MAX_SAFE_INTEGER, { min: 0 }],
  ])('%p in %j › accepted', (value, range) => {
    expect(isWholeNumber(value, range)).toBe(true);
  });

  it.each([
    [-1, { min: 0 }],
    [65536, { min: 0, max: 65535 }],
    [0, { min: 1 }],
    [1.5, { min: 0 }],
    [Number.NaN, { min: 0 }],
    [Infinity, { min: 0 }],
    [2 ** 53, { min: 0 }],
    ['1', { min: 0 }],
    [null, { min: 0 }],
    [true, { min: 0 }],
  ])('%p in %j › refused', (value, range) => {
    expect(isWholeNumber(value, range)).toBe(false);
  });
});

describe('describeWholeNumber', () => {
  it.each([
    [{ min: 0, max: 65535 }, 'a whole number from 0 to 65535'],
    [{ min: 1 }, 'a whole number ≥ 1'],
    [{ min: 0, unit: 'bytes' }, 'a whole number of bytes ≥ 0'],
    [{ min: 0, max: 2147483647, unit: 'bytes' }, 'a whole number of bytes from 0 to 2147483647'],
  ])('%j › %s', (range, text) => {
    expect(describeWholeNumber(range)).toBe(text);
  });
});

describe('wholeNumberFromText', () => {
  it.each([
    ['0', 0],
    ['8080', 8080],
    ['007', 7],
  ])('%p › %p', (text, value) => {
    expect(wholeNumberFromText(text)).toBe(value);
  });

  it.each(['', '-1', '+1', '1.0', '1e3', '0x10', ' 1', '1 ', '8o', '١'])('%p › NaN', (text) => {
    expect(wholeNumberFromText(text)).toBeNaN();
  });
});

describe('wholeNumberOption', () => {
  it('undefined › the fallback; a whole number › itself', () => {
    expect(wholeNumberOption(undefined, 'cacheSize', { min: 0 }, 42, 'ssi()')).toBe(42);
    expect(wholeNumberOption(7, 'cacheSize', { min: 0 }, 42, 'ssi()')).toBe(7);
  });

  it('anything else › a TypeError naming the caller, the option and what it must be', () => {
    expect(() => wholeNumberOption(-1, 'cacheSize', { min: 0, unit: 'bytes' }, 42, 'ssi()')).toThrow(
      new TypeError("ssi(): option 'cacheSize' must be a whole number of bytes ≥ 0"),
    );
  });
});
