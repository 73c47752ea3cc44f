import { parseRange } from '../../../src/server/byte-range';

const SIZE = 100;

describe('parseRange', () => {
  it.each([
    ['the first ten bytes', 'bytes=0-9', { start: 0, end: 9 }],
    ['one byte', 'bytes=5-5', { start: 5, end: 5 }],
    ['the last byte by position', 'bytes=99-99', { start: 99, end: 99 }],
    ['an open range', 'bytes=10-', { start: 10, end: 99 }],
    ['an open range from zero', 'bytes=0-', { start: 0, end: 99 }],
    ['a last-pos past the end', 'bytes=90-1000', { start: 90, end: 99 }],
    ['a huge last-pos', 'bytes=0-99999999999999999999999', { start: 0, end: 99 }],
    ['a suffix', 'bytes=-10', { start: 90, end: 99 }],
    ['a suffix longer than the body', 'bytes=-1000', { start: 0, end: 99 }],
    ['a suffix of exactly the body', 'bytes=-100', { start: 0, end: 99 }],
    ['an uppercase unit', 'BYTES=0-9', { start: 0, end: 9 }],
    ['OWS around the range', 'bytes= 0-9 ', { start: 0, end: 9 }],
    ['empty list elements', 'bytes=,0-9,', { start: 0, end: 9 }],
    ['leading zeros', 'bytes=007-010', { start: 7, end: 10 }],
  ])('when %s › that range', (_name, header, expected) => {
    expect(parseRange(header, SIZE)).toEqual(expected);
  });

  it.each([
    ['a first-pos at the end', 'bytes=100-', SIZE],
    ['a first-pos past the end', 'bytes=200-300', SIZE],
    ['a huge first-pos', 'bytes=99999999999999999999-', SIZE],
    ['a zero-length suffix', 'bytes=-0', SIZE],
    ['a range of an empty body', 'bytes=0-9', 0],
    ['a suffix of an empty body', 'bytes=-5', 0],
  ])('when %s › unsatisfiable', (_name, header, size) => {
    expect(parseRange(header, size)).toBe('unsatisfiable');
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['two ranges', 'bytes=0-9,20-29'],
    ['two overlapping ranges', 'bytes=0-9, 5-15'],
    ['another unit', 'items=0-9'],
    ['no unit', '0-9'],
    ['no equals sign', 'bytes 0-9'],
    ['space before the equals sign', 'bytes =0-9'],
    ['an empty range-set', 'bytes='],
    ['last-pos below first-pos', 'bytes=9-5'],
    ['a lone dash', 'bytes=-'],
    ['a negative first-pos', 'bytes=--5'],
    ['non-digits', 'bytes=a-b'],
    ['a decimal', 'bytes=0.5-9'],
    ['a plus sign', 'bytes=+1-9'],
    ['spaces inside the range', 'bytes=0 - 9'],
    ['non-ASCII digits', 'bytes=٠-٩'],
    ['the Content-Range syntax', 'bytes 0-9/100'],
  ])('when %s › undefined (serve 200 in full)', (_name, header) => {
    expect(parseRange(header, SIZE)).toBeUndefined();
  });
});
