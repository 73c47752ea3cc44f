// C-string semantics that Apache's expression code gets for free from NUL-terminated char*. Pure: no I/O.
// Values cross APR tables and apr_pstrdup, so an embedded NUL ends the value there.

import type { ByteString } from '../byte-string';

/** Cuts a value at its first NUL byte, as any `char *` in Apache would. */
export function cString(value: ByteString): ByteString {
  const nul = value.indexOf('\0');
  return nul < 0 ? value : value.slice(0, nul);
}

/** strcmp(3) on bytes: negative, zero or positive. */
export function compareBytes(left: ByteString, right: ByteString): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * apr_atoi64(3): optional leading whitespace and sign, then decimal digits up to the first non-digit;
 * no digits gives 0, overflow clamps to the int64 range (strtoll's ERANGE behaviour).
 */
export function parseInt64(text: ByteString): bigint {
  const match = /^[\t\n\v\f\r ]*([+-]?)([0-9]*)/.exec(text);
  const digits = match?.[2] ?? '';
  if (digits === '') return 0n;
  const magnitude = BigInt(digits);
  const value = match?.[1] === '-' ? -magnitude : magnitude;
  if (value > INT64_MAX) return INT64_MAX;
  if (value < INT64_MIN) return INT64_MIN;
  return value;
}

/** ASCII-only lower-casing, like apr_tolower in the C locale (bytes ≥ 0x80 unchanged). */
export function asciiLower(value: ByteString): ByteString {
  return value.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 32));
}

/** ASCII-only upper-casing, like apr_toupper in the C locale (bytes ≥ 0x80 unchanged). */
export function asciiUpper(value: ByteString): ByteString {
  return value.replace(/[a-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 32));
}
