// size-format tests: Apache examples (apr_strfsize, fsize sizefmt=bytes).

import { formatSizeAbbrev, formatSizeBytes } from '../../../src/ssi/size-format';

describe('formatSizeAbbrev', () => {
  it.each([
    [0, '  0 '],
    [5, '  5 '],
    [972, '972 '],
    [973, '1.0K'],
    [1024, '1.0K'],
    [1536, '1.5K'],
    [9000, '8.8K'],
    [10239, ' 10K'],
    [102400, '100K'],
    [996147, '973K'],
    [1000000, '1.0M'],
    [1048576, '1.0M'],
    [10 * 1024 * 1024 - 1, ' 10M'],
    [5 * 1024 ** 3, '5.0G'],
    [2 ** 40, '1.0T'],
    [-1, '  - '],
  ])('%d bytes › %j', (size, expected) => {
    expect(formatSizeAbbrev(size)).toBe(expected);
    expect(formatSizeAbbrev(size)).toHaveLength(4);
  });
});

describe('formatSizeBytes', () => {
  it.each([
    [0, '0'],
    [5, '5'],
    [999, '999'],
    [1000, '1,000'],
    [1536, '1,536'],
    [1234567, '1,234,567'],
    [1000000000000, '1,000,000,000,000'],
  ])('%d bytes › %j', (size, expected) => {
    expect(formatSizeBytes(size)).toBe(expected);
  });
});
