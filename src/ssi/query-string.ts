// Query-string decoding for SSI variables: ap_unescape_url and QUERY_STRING_UNESCAPED (ap_escape_shell_cmd).
// Pure: ByteStrings in and out, no I/O.

import { type ByteString } from './byte-string';

/**
 * The bytes ap_escape_shell_cmd prefixes with a backslash on Unix (gen_test_char T_ESCAPE_SHELL_CMD):
 * ``& ; ` ' " | * ? ~ < > ^ ( ) [ ] { } $ \`` and LF. Space, `%`, `+`, `!`, `#` and CR are not escaped.
 */
const SHELL_SPECIAL = /[&;`'"|*?~<>^()[\]{}$\\\n]/g;

/**
 * Decodes every `%XX` (hex digits in either case) to its byte, as ap_unescape_url does; a `%` not followed by
 * two hex digits is kept as written, and `+` is not a space. Decoded `%2F` and `%00` are decoded too (Apache
 * only flags them), so the result may hold NUL bytes.
 *
 * @example
 * percentDecode('a%20b%zz%2f+'); // 'a b%zz/+'
 */
export function percentDecode(text: ByteString): ByteString {
  if (!text.includes('%')) return text;
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Apache keeps its values in C strings, so a decoded NUL ends the value. */
export function truncateAtNul(text: ByteString): ByteString {
  const nul = text.indexOf('\0');
  return nul === -1 ? text : text.slice(0, nul);
}

/**
 * Builds QUERY_STRING_UNESCAPED from a raw query string, as mod_include's add_include_vars does: %-decode
 * (ap_unescape_url; the value ends at a decoded NUL), then backslash-escape the shell's special bytes
 * (ap_escape_shell_cmd).
 *
 * @example
 * unescapeQueryForShell('a=b%20c&d'); // 'a=b c\\&d'
 */
export function unescapeQueryForShell(query: ByteString): ByteString {
  return truncateAtNul(percentDecode(query)).replace(SHELL_SPECIAL, '\\$&');
}
