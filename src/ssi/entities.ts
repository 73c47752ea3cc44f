// HTML entities for directive values: Apache's decodehtml and ap_escape_html2, byte for byte.
// Pure: ByteStrings in and out, no I/O.

import { type ByteString } from './byte-string';

/**
 * The only named entities mod_include's decodehtml knows: lt gt amp quot and the ISO-8859-1 letters (its
 * `entlist`, MAXENTLEN 6). Anything else, `&nbsp;` and `&apos;` included, is left as written.
 */
// prettier-ignore
const NAMED_ENTITIES: ReadonlyMap<string, number> = new Map([
  ['lt', 0x3c], ['gt', 0x3e], ['amp', 0x26], ['quot', 0x22],
  ['ETH', 0xd0], ['eth', 0xf0],
  ['Auml', 0xc4], ['Euml', 0xcb], ['Iuml', 0xcf], ['Ouml', 0xd6], ['Uuml', 0xdc],
  ['auml', 0xe4], ['euml', 0xeb], ['iuml', 0xef], ['ouml', 0xf6], ['uuml', 0xfc], ['yuml', 0xff],
  ['Acirc', 0xc2], ['Aring', 0xc5], ['AElig', 0xc6], ['Ecirc', 0xca], ['Icirc', 0xce], ['Ocirc', 0xd4],
  ['Ucirc', 0xdb], ['THORN', 0xde], ['szlig', 0xdf], ['acirc', 0xe2], ['aring', 0xe5], ['aelig', 0xe6],
  ['ecirc', 0xea], ['icirc', 0xee], ['ocirc', 0xf4], ['ucirc', 0xfb], ['thorn', 0xfe],
  ['Agrave', 0xc0], ['Aacute', 0xc1], ['Atilde', 0xc3], ['Ccedil', 0xc7], ['Egrave', 0xc8], ['Eacute', 0xc9],
  ['Igrave', 0xcc], ['Iacute', 0xcd], ['Ntilde', 0xd1], ['Ograve', 0xd2], ['Oacute', 0xd3], ['Otilde', 0xd5],
  ['Oslash', 0xd8], ['Ugrave', 0xd9], ['Uacute', 0xda], ['Yacute', 0xdd], ['agrave', 0xe0], ['aacute', 0xe1],
  ['atilde', 0xe3], ['ccedil', 0xe7], ['egrave', 0xe8], ['eacute', 0xe9], ['igrave', 0xec], ['iacute', 0xed],
  ['ntilde', 0xf1], ['ograve', 0xf2], ['oacute', 0xf3], ['otilde', 0xf5], ['oslash', 0xf8], ['ugrave', 0xf9],
  ['uacute', 0xfa], ['yacute', 0xfd],
]);

/** decodehtml's MAXENTLEN: longer names are never looked up. */
const MAX_ENTITY_NAME_LENGTH = 6;

/**
 * The byte a numeric reference `&#…;` stands for, or undefined when decodehtml deletes it: any non-digit,
 * and code points ≤8, 11–31, 127–160 and ≥256.
 */
function numericReferenceByte(digits: ByteString): number | undefined {
  if (!/^[0-9]*$/.test(digits)) return undefined;
  let value = 0;
  // decodehtml accumulates in a C int; wrap the same way so huge references land where Apache's do.
  for (let index = 0; index < digits.length; index++)
    value = (value * 10 + digits.charCodeAt(index) - 0x30) | 0;
  if (value <= 8 || (value >= 11 && value <= 31) || (value >= 127 && value <= 160) || value >= 256) {
    return undefined;
  }
  return value;
}

/**
 * Decodes HTML entities exactly as mod_include's decodehtml does.
 *
 * `&#NNN;` is decimal only and yields the Latin-1 byte; references to unusable code points are deleted;
 * named entities are limited to Apache's table; unknown names and `&` without a later `;` stay as written.
 *
 * @example
 * decodeEntities('a&lt;b&#233;&nbsp;&#x41;'); // 'a<b\xe9&nbsp;'
 */
export function decodeEntities(text: ByteString): ByteString {
  if (!text.includes('&')) return text;
  let result = '';
  let copied = 0;
  let semicolon = text.indexOf(';');
  for (let ampersand = text.indexOf('&'); ampersand !== -1; ampersand = text.indexOf('&', ampersand + 1)) {
    // Skip an `&` inside a reference already consumed, e.g. the second one of `&#1&2;`.
    if (ampersand < copied) continue;
    // The `;` only moves forward, so a run of `&` without `;` stays linear.
    if (semicolon !== -1 && semicolon < ampersand) semicolon = text.indexOf(';', ampersand);
    if (semicolon === -1) break;
    const name = text.slice(ampersand + 1, semicolon);
    let replacement: number | undefined;
    if (name.startsWith('#')) {
      replacement = numericReferenceByte(name.slice(1));
    } else if (name.length <= MAX_ENTITY_NAME_LENGTH && NAMED_ENTITIES.has(name)) {
      replacement = NAMED_ENTITIES.get(name);
    } else {
      continue;
    }
    result +=
      text.slice(copied, ampersand) + (replacement === undefined ? '' : String.fromCharCode(replacement));
    copied = semicolon + 1;
  }
  return result + text.slice(copied);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/**
 * Escapes `& < > "` as entities, as ap_escape_html2(…, 0) does for echo's `entity` encoding and printenv;
 * the apostrophe and bytes ≥ 0x80 are left alone.
 *
 * @example
 * escapeHtml(`<a href="q">&'`); // `&lt;a href=&quot;q&quot;&gt;&amp;'`
 */
export function escapeHtml(text: ByteString): ByteString {
  return text.replace(/[&<>"]/g, (character) => HTML_ESCAPES[character]);
}
