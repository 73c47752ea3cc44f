// timefmt details found by the differential corpus (test/apache/corpus/config), as Apache 2.4.71 on Debian
// prints them through glibc's strftime: %z with flags and widths, and ap_ht_time's 8192-byte buffer.

import { formatTime } from '../../../src/ssi/time-format';

const MTIME = Date.UTC(2025, 2, 4, 10, 15, 30);

// DATE_GMT's zone: offset 0 whatever the process zone; ap_ht_time rewrites only a bare %z, so flagged forms reach strftime.
describe('%z with flags and widths (glibc pads the sign and the number separately)', () => {
  it.each([
    ['%z', '+0000'],
    ['%#z', '+0000'],
    ['%_z', '+   0'],
    ['%-z', '+0'],
    ['%1z', '+0000'],
    ['%3z', '  +0000'],
    ['%4z', '   +0000'],
    ['%04z', '000+0000'],
    ['%_4z', '   +   0'],
    ['%-6z', '     +     0'],
    ['%:z', '%:z'],
  ])('%s › %j', (format, expected) => {
    expect(formatTime(format, MTIME, 'gmt')).toBe(expected);
  });

  it('a flagged %_z in DATE_GMT › left to strftime, not rewritten to +0000', () => {
    expect(formatTime('%z|%_z', MTIME, 'gmt')).toBe('+0000|+   0');
  });
});

describe('output longer than ap_ht_time buffer (MAX_STRING_LEN 8192)', () => {
  it('literal text past the buffer › cut to 8191 bytes, later conversions dropped', () => {
    expect(formatTime(`%Y-${'x'.repeat(9000)}%A`, MTIME, 'gmt')).toBe(`2025-${'x'.repeat(8186)}`);
  });

  it('a conversion that does not fit whole › left out, with everything after it', () => {
    const result = formatTime('%A'.repeat(1200), MTIME, 'gmt');
    expect(result).toBe('Tuesday'.repeat(1170));
  });

  it('output of exactly 8191 bytes › kept whole', () => {
    expect(formatTime('y'.repeat(8191), MTIME, 'gmt')).toHaveLength(8191);
  });
});

describe('a width below a number conversion natural width (glibc DO_NUMBER takes the larger)', () => {
  it.each([
    ['%1d', '04'],
    ['%1j', '063'],
    ['%2j', '063'],
    ['%1e', ' 4'],
    ['%1C', '20'],
    ['%-1d', '4'],
    ['%_1d', ' 4'],
    ['%1Y', '2025'],
  ])('%s › %j', (format, expected) => {
    expect(formatTime(format, MTIME, 'gmt')).toBe(expected);
  });
});
