// The alphabet JS regexes run on: page bytes with 0x80–0xFF moved to U+E080–U+E0FF. Pure: no I/O.
// Apache's PCRE has no UTF mode and C-locale tables, so bytes ≥ 0x80 are never letters, spaces or case pairs.
// In JS, U+00A0 is `\s` and é/É fold under `i`; private-use code points do neither, and the move keeps byte order.

import type { ByteString } from '../byte-string';

const PRIVATE_BASE = 0xe000;

/** The regex-alphabet code unit for one byte. */
export function toRegexChar(byte: number): number {
  return byte >= 0x80 ? PRIVATE_BASE + byte : byte;
}

/** A subject string moved into the regex alphabet. */
export function toRegexAlphabet(text: ByteString): string {
  return text.replace(/[\x80-\xff]/g, (ch) => String.fromCharCode(PRIVATE_BASE + ch.charCodeAt(0)));
}

/** A matched substring moved back to bytes. */
export function fromRegexAlphabet(text: string): ByteString {
  return text.replace(/[\ue080-\ue0ff]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - PRIVATE_BASE));
}
