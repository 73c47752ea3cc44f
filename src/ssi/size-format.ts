// fsize output: `sizefmt=abbrev` (apr_strfsize) and `sizefmt=bytes` (digits grouped by commas).
// Pure: numbers in, ByteStrings out.

import { type ByteString } from './byte-string';

/** apr_strfsize's units after bytes. */
const UNITS = 'KMGTPE';

/** apr_strfsize switches to the next unit at 973 so that the result always fits in 4 characters. */
const UNIT_THRESHOLD = 973;

/**
 * Formats a size as apr_strfsize does for `sizefmt=abbrev`: always 4 characters, e.g. `  5 `, `1.5K`,
 * ` 10K`, `1.0M`; a negative size is `  - `.
 *
 * @example
 * formatSizeAbbrev(1536); // '1.5K'
 */
export function formatSizeAbbrev(size: number): ByteString {
  if (size < 0) return '  - ';
  let whole = Math.floor(size);
  if (whole < UNIT_THRESHOLD) return `${String(whole).padStart(3)} `;
  for (let unit = 0; ; unit++) {
    const remainder = whole % 1024;
    whole = Math.floor(whole / 1024);
    if (whole >= UNIT_THRESHOLD && unit < UNITS.length - 1) continue;
    const suffix = UNITS[unit];
    if (whole < 9 || (whole === 9 && remainder < UNIT_THRESHOLD)) {
      // One decimal, rounded half up in units of 1/10: (r*5+256)/512 is r/1024 in tenths.
      let tenths = Math.floor((remainder * 5 + 256) / 512);
      if (tenths >= 10) {
        whole++;
        tenths = 0;
      }
      return `${whole}.${tenths}${suffix}`;
    }
    if (remainder >= 512) whole++;
    // apr_snprintf(buf, 5, …) keeps at most 4 characters.
    return `${String(whole).padStart(3)}${suffix}`.slice(0, 4);
  }
}

/**
 * Formats a size for `sizefmt=bytes`: the decimal digits with a comma every three from the right.
 *
 * @example
 * formatSizeBytes(1234567); // '1,234,567'
 */
export function formatSizeBytes(size: number): ByteString {
  const digits = String(Math.floor(size));
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
