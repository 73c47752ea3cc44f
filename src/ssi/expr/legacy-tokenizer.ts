// Tokenizer of mod_include's legacy (2.2) expression syntax, following get_ptoken() in mod_include.c.
// Pure: no I/O, no variable substitution (that happens per token after parsing, as mod_include does).

import type { ByteString } from '../byte-string';

/** Token types, named after mod_include's TOKEN_* (GROUP is an LBRACE after its `)` was seen). */
export type LegacyTokenType =
  | 'string'
  | 're'
  | 'eq'
  | 'ne'
  | 'and'
  | 'or'
  | 'not'
  | 'lbrace'
  | 'rbrace'
  | 'group'
  | 'ge'
  | 'gt'
  | 'le'
  | 'lt'
  | 'access';

/** One token; `value` is the raw text of a string or regex with backslashes already removed. */
export interface LegacyToken {
  type: LegacyTokenType;
  value: ByteString;
}

/** apr_isspace in the C locale. */
const isSpace = (ch: string | undefined): boolean => ch !== undefined && ' \t\n\v\f\r'.includes(ch);

const TWO_CHAR: Readonly<Record<string, LegacyTokenType>> = {
  '!=': 'ne',
  '||': 'or',
  '&&': 'and',
  '>=': 'ge',
  '<=': 'le',
};
const ONE_CHAR: Readonly<Record<string, LegacyTokenType>> = {
  '(': 'lbrace',
  ')': 'rbrace',
  '=': 'eq',
  '!': 'not',
  '>': 'gt',
  '<': 'lt',
};

/**
 * Reads the token at `pos` (after white space); null at the end of the expression.
 * `previous` matters only for `/`: right after `-A` it starts a string (a URL), elsewhere a regex.
 */
export function readLegacyToken(
  source: ByteString,
  start: number,
  previous: LegacyTokenType | undefined,
): { token: LegacyToken; next: number } | null {
  let pos = start;
  while (isSpace(source[pos])) pos++;
  if (pos >= source.length) return null;
  const ch = source[pos];
  const pair = source.slice(pos, pos + 2);
  if (pair === '==') return { token: { type: 'eq', value: '' }, next: pos + 2 };
  if (TWO_CHAR[pair] !== undefined) return { token: { type: TWO_CHAR[pair], value: '' }, next: pos + 2 };
  if (pair === '-A') return { token: { type: 'access', value: '' }, next: pos + 2 };
  if (ONE_CHAR[ch] !== undefined) return { token: { type: ONE_CHAR[ch], value: '' }, next: pos + 1 };
  if (ch === "'") return readDelimited(source, pos + 1, "'", 'string');
  if (ch === '/' && previous !== 'access') return readDelimited(source, pos + 1, '/', 're');
  return readUnquoted(source, pos);
}

/** `'…'` or `/…/`: a backslash protects the next byte and is removed; unterminated → empty string, no error. */
function readDelimited(
  source: ByteString,
  start: number,
  delimiter: string,
  type: LegacyTokenType,
): { token: LegacyToken; next: number } {
  let value = '';
  for (let pos = start; pos < source.length; pos++) {
    const ch = source[pos];
    if (ch === '\\') {
      // A trailing backslash has nothing to escape: it stays (get_ptoken stops before it is counted).
      if (pos + 1 >= source.length) return { token: { type, value: '' }, next: source.length };
      value += source[++pos];
    } else if (ch === delimiter) {
      return { token: { type, value }, next: pos + 1 };
    } else {
      value += ch;
    }
  }
  return { token: { type, value: '' }, next: source.length };
}

/** An unquoted string: ends at white space, `( ) = ! < >`, or a doubled `&&`/`||`; `"` is an ordinary byte. */
function readUnquoted(source: ByteString, start: number): { token: LegacyToken; next: number } {
  let value = '';
  let pos = start;
  for (; pos < source.length; pos++) {
    const ch = source[pos];
    if (ch === '\\') {
      if (pos + 1 >= source.length) {
        value += ch;
        pos++;
        break;
      }
      value += source[++pos];
      continue;
    }
    if (isSpace(ch) || '()=!<>'.includes(ch)) break;
    if ((ch === '&' || ch === '|') && source[pos + 1] === ch) break;
    value += ch;
  }
  return { token: { type: 'string', value }, next: pos };
}
