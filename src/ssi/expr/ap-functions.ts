// The pure string functions of ap_expr: tolower toupper escape unescape base64 unbase64 md5 sha1 ldap.
// Pure: no I/O. Each follows the APR/httpd routine named in its comment, byte for byte.

import { createHash } from 'node:crypto';
import type { ByteString } from '../byte-string';
import { asciiLower, asciiUpper, cString } from './c-strings';

/** Names of the functions implemented here (the rest read from the host). */
export type PureFunctionName =
  'tolower' | 'toupper' | 'escape' | 'unescape' | 'base64' | 'unbase64' | 'sha1' | 'md5' | 'ldap';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** gen_test_char.c T_OS_ESCAPE_PATH: everything but alnum and `$-_.+!*'(),:;@&=/~` becomes %xx (lower-case hex). */
function escapePath(value: ByteString): ByteString {
  return value.replace(
    /[^A-Za-z0-9$\-_.+!*'(),:;@&=/~]/g,
    (ch) => '%' + ch.charCodeAt(0).toString(16).padStart(2, '0'),
  );
}

/**
 * ap_unescape_url_keep2f(s, 0): %xx decoded except %2F (kept); a bad escape or %00 makes unescape() return ""
 * (unescape_func logs and returns the empty string when the result is not OK).
 */
function unescapeUrl(value: ByteString): ByteString {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') {
      out += value[i];
      continue;
    }
    const hex = value.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return '';
    const code = parseInt(hex, 16);
    if (code === 0) return '';
    out += code === 0x2f ? value.slice(i, i + 3) : String.fromCharCode(code);
    i += 2;
  }
  return out;
}

/** apr_base64_decode: decode the leading run of alphabet chars (stops at `=` or anything else); C-string result. */
function decodeBase64(value: ByteString): ByteString {
  let run = 0;
  while (run < value.length && BASE64_ALPHABET.includes(value[run])) run++;
  let out = '';
  const six = (i: number): number => BASE64_ALPHABET.indexOf(value[i]);
  let i = 0;
  for (; run - i >= 4; i += 4) {
    out += String.fromCharCode(((six(i) << 2) | (six(i + 1) >> 4)) & 0xff);
    out += String.fromCharCode(((six(i + 1) << 4) | (six(i + 2) >> 2)) & 0xff);
    out += String.fromCharCode(((six(i + 2) << 6) | six(i + 3)) & 0xff);
  }
  const left = run - i;
  if (left > 1) out += String.fromCharCode(((six(i) << 2) | (six(i + 1) >> 4)) & 0xff);
  if (left > 2) out += String.fromCharCode(((six(i + 1) << 4) | (six(i + 2) >> 2)) & 0xff);
  return cString(out);
}

/** apr_pescape_ldap(…, APR_ESCAPE_LDAP_ALL): non-printables and `"+,;<>\*()` become \xx (lower-case hex). */
function escapeLdap(value: ByteString): ByteString {
  return value.replace(
    /[^\x20-\x7e]|["+,;<>\\*()]/g,
    (ch) => '\\' + ch.charCodeAt(0).toString(16).padStart(2, '0'),
  );
}

function hexDigest(algorithm: 'md5' | 'sha1', value: ByteString): ByteString {
  return createHash(algorithm).update(Buffer.from(value, 'latin1')).digest('hex');
}

/**
 * Applies a pure ap_expr string function to its (already C-string) argument.
 * @example applyPureFunction('md5', 'abc') // '900150983cd24fb0d6963f7d28e17f72'
 */
export function applyPureFunction(name: PureFunctionName, argument: ByteString): ByteString {
  switch (name) {
    case 'tolower':
      return asciiLower(argument);
    case 'toupper':
      return asciiUpper(argument);
    case 'escape':
      return escapePath(argument);
    case 'unescape':
      return unescapeUrl(argument);
    case 'base64':
      return Buffer.from(argument, 'latin1').toString('base64');
    case 'unbase64':
      return decodeBase64(argument);
    case 'md5':
    case 'sha1':
      return hexDigest(name, argument);
    case 'ldap':
      return escapeLdap(argument);
  }
}
