// The Range request field (RFC 9110 §14.1–§14.2), reduced to what we serve: one byte range or the whole body.
// Pure: no I/O. Does not decide whether Range may be used at all; If-Range is preconditions.ts' job.

import { listMembers } from '../fields/http-fields';

/** An inclusive byte range within the representation: `start` ≤ `end` < size. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A satisfiable range, `'unsatisfiable'` (answer 416), or undefined (ignore Range, answer 200 in full). */
export type RangeResult = ByteRange | 'unsatisfiable' | undefined;

// RFC 9110 §14.1.1: int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length.
const RANGE_SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/;

/**
 * Resolves a Range field value against a representation of `size` bytes.
 *
 * Only a single `bytes` range is served. Multiple ranges, another unit, and a malformed or invalid value
 * (e.g. `5-2`) give undefined: RFC 9110 §14.2 lets a server ignore Range, and a complete 200 is always
 * correct, whereas multipart/byteranges would add a second body format for a rare request. The unit is
 * matched case-insensitively and empty list elements are skipped (RFC 9110 §5.6.1). A range past the end
 * is clipped to it; a range that starts at or after the end, a zero-length suffix, or any range of an
 * empty representation is `'unsatisfiable'` (RFC 9110 §14.1.1, §15.5.17).
 *
 * @example
 * parseRange('bytes=0-9', 100)  // { start: 0, end: 9 }
 * parseRange('bytes=-10', 100)  // { start: 90, end: 99 }
 * parseRange('bytes=100-', 100) // 'unsatisfiable'
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return undefined;
  const equals = header.indexOf('=');
  // RFC 9110 §14.1: range units are case-insensitive; we understand only "bytes" (§14.2: ignore others).
  if (equals === -1 || header.slice(0, equals).toLowerCase() !== 'bytes') return undefined;
  const specs = listMembers(header.slice(equals + 1));
  if (specs.length !== 1) return undefined;
  const match = RANGE_SPEC.exec(specs[0]);
  if (match === null) return undefined;
  const [, first, last, suffix] = match;
  return suffix !== undefined ? suffixRange(Number(suffix), size) : intRange(Number(first), last, size);
}

function intRange(start: number, last: string, size: number): RangeResult {
  // RFC 9110 §14.1.1: a last-pos below first-pos makes the range-spec invalid, not unsatisfiable.
  if (last !== '' && Number(last) < start) return undefined;
  // RFC 9110 §14.1.1: satisfiable only if first-pos is less than the length.
  if (start >= size) return 'unsatisfiable';
  // RFC 9110 §14.1.2: a missing or too large last-pos means the last byte.
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}

function suffixRange(length: number, size: number): RangeResult {
  // RFC 9110 §14.1.1: a suffix-range is satisfiable only with a non-zero suffix-length; an empty body has
  // no byte a 206 could carry.
  if (length === 0 || size === 0) return 'unsatisfiable';
  // RFC 9110 §14.1.3: a suffix longer than the representation selects all of it.
  return { start: Math.max(0, size - length), end: size - 1 };
}
