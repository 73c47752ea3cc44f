// echo/set `encoding=` and `decoding=`: the five codecs of mod_include, byte for byte.
// Pure: ByteStrings in and out, no I/O.

import { type ByteString } from './byte-string';
import { decodeEntities, escapeHtml } from './entities';
import { percentDecode, truncateAtNul } from './query-string';

/** One step of an `encoding=`/`decoding=` list. */
export type Encoding = 'none' | 'entity' | 'url' | 'urlencoded' | 'base64';

const ENCODINGS: readonly Encoding[] = ['none', 'entity', 'url', 'urlencoded', 'base64'];

/** ap_escape_uri (ap_os_escape_path, partial): every byte except these goes to `%xx` (T_OS_ESCAPE_PATH). */
const URL_UNESCAPED = /^[A-Za-z0-9$\-_.+!*'(),:;@&=/~]$/;

/** ap_escape_urlencoded: every byte except these and space goes to `%xx` (T_ESCAPE_URLENCODED). */
const URLENCODED_UNESCAPED = /^[A-Za-z0-9.\-*_]$/;

/** Splits like apr_strtok(value, ", \t"): runs of separators count once, empty tokens never appear. */
const LIST_SEPARATORS = /[, \t]+/;

/**
 * Parses an `encoding=`/`decoding=` value into its steps, applied left to right.
 *
 * Tokens are separated by `,` SP HT and compared ASCII case-insensitively. An empty list (`encoding=""`)
 * means no step at all, so the raw value is printed. Returns undefined if any token is unknown: the
 * handler then prints its errmsg. Note Apache only checks the list when a defined `var` is echoed.
 *
 * @example
 * parseEncodingList('URL, entity'); // ['url', 'entity']
 */
export function parseEncodingList(value: ByteString): Encoding[] | undefined {
  const steps: Encoding[] = [];
  for (const token of value.split(LIST_SEPARATORS)) {
    if (token === '') continue;
    // ap_cstr_casecmp folds ASCII only.
    const name = token.replace(/[A-Z]+/g, (run) => run.toLowerCase());
    const encoding = ENCODINGS.find((candidate) => candidate === name);
    if (encoding === undefined) return undefined;
    steps.push(encoding);
  }
  return steps;
}

function percentEscape(character: string): string {
  return `%${character.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * Encodes a value the way echo's/set's `encoding=` step does; `%xx` escapes use lower-case hex as
 * Apache's c2x does.
 *
 * @example
 * encodeValue('url', '# %^'); // '%23%20%25%5e'
 * encodeValue('urlencoded', 'a b&c/d'); // 'a+b%26c%2fd'
 */
export function encodeValue(encoding: Encoding, value: ByteString): ByteString {
  switch (encoding) {
    case 'none':
      return value;
    case 'entity':
      return escapeHtml(value);
    case 'url':
      return value.replace(/[^]/g, (character) =>
        URL_UNESCAPED.test(character) ? character : percentEscape(character),
      );
    case 'urlencoded':
      return value.replace(/[^]/g, (character) => {
        if (character === ' ') return '+';
        return URLENCODED_UNESCAPED.test(character) ? character : percentEscape(character);
      });
    case 'base64':
      return Buffer.from(value, 'latin1').toString('base64');
  }
}

/** The values of apr_base64's pr2six table; any other byte ends the input. */
const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * apr_base64_decode: reads base64 digits up to the first other byte (`=`, whitespace, anything), ignores a
 * lone trailing digit, and never fails.
 */
function decodeBase64(value: ByteString): ByteString {
  let digitCount = 0;
  while (digitCount < value.length && BASE64_DIGITS.includes(value[digitCount])) digitCount++;
  const usable = digitCount % 4 === 1 ? digitCount - 1 : digitCount;
  return Buffer.from(value.slice(0, usable), 'base64').toString('latin1');
}

/**
 * Decodes a value the way echo's/set's `decoding=` step does. `url` is ap_unescape_url (no `+`),
 * `urlencoded` first turns `+` into spaces, `entity` is decodehtml, `base64` is apr_base64_decode. Apache
 * keeps the result in a C string, so it ends at the first decoded NUL byte.
 *
 * @example
 * decodeValue('urlencoded', 'a+b%26c'); // 'a b&c'
 */
export function decodeValue(encoding: Encoding, value: ByteString): ByteString {
  switch (encoding) {
    case 'none':
      return value;
    case 'entity':
      return decodeEntities(value);
    case 'url':
      return truncateAtNul(percentDecode(value));
    case 'urlencoded':
      return truncateAtNul(percentDecode(value.replace(/\+/g, ' ')));
    case 'base64':
      return truncateAtNul(decodeBase64(value));
  }
}
