// Shared pieces of the PCRE → JS translation: the scan state, byte literals, character escapes and classes.
// Pure: no I/O. Escapes follow PCRE2's rules for 8-bit, non-UTF patterns; bytes ≥ 0x80 go through byte-alphabet.ts.

import type { ByteString } from '../byte-string';
import { toRegexChar } from './byte-alphabet';

/** A pattern PCRE2 would reject, or one JS cannot express; the caller reports a compile failure. */
export class PcreError extends Error {}

/** The translation in progress. */
export interface Scan {
  readonly pattern: ByteString;
  index: number;
  out: string;
  groupCount: number;
  readonly totalGroups: number;
  /** Groups opened and not yet closed. */
  openGroups: number;
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t\\n\\v\\f\\r ',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  ascii: '\\x00-\\x7f',
};
/** PCRE's \h and \v (horizontal / vertical white space) restricted to one byte, NBSP and NEL mapped. */
const HORIZONTAL_SPACE = '\\t ' + escapeCode(toRegexChar(0xa0));
const VERTICAL_SPACE = '\\n\\v\\f\\r' + escapeCode(toRegexChar(0x85));
const SIMPLE_ESCAPES: Record<string, string> = {
  d: '\\d',
  D: '\\D',
  w: '\\w',
  W: '\\W',
  s: '\\s',
  S: '\\S',
  n: '\\n',
  r: '\\r',
  t: '\\t',
  f: '\\f',
  e: '\\x1b',
  a: '\\x07',
};
function escapeCode(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** One byte as a JS pattern atom that means exactly that byte, inside or outside a class. */
export function literal(code: number): string {
  return escapeCode(toRegexChar(code));
}

/** A printable ASCII byte outside a class as a JS atom; other bytes as \u escapes. */
export function literalChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0x80 || code < 0x20) return literal(code);
  return /[\\^$.|?*+()[\]{}/]/.test(ch) ? '\\' + ch : ch;
}

/** Escapes meaning one byte or a byte class; shared by class and non-class contexts. */
export function translateCharEscape(scan: Scan, inClass: boolean): string {
  const { pattern } = scan;
  const next = pattern[scan.index + 1];
  const rest = pattern.slice(scan.index + 1, scan.index + 16);
  scan.index += 2;
  if (SIMPLE_ESCAPES[next] !== undefined) return SIMPLE_ESCAPES[next];
  if (next === 'h') return inClass ? HORIZONTAL_SPACE : `[${HORIZONTAL_SPACE}]`;
  if (next === 'v') return inClass ? VERTICAL_SPACE : `[${VERTICAL_SPACE}]`;
  if (!inClass && next === 'H') return `[^${HORIZONTAL_SPACE}]`;
  if (!inClass && next === 'V') return `[^${VERTICAL_SPACE}]`;
  if (!inClass && next === 'N') return '[^\\n]';
  if (!inClass && next === 'R') return `(?:\\r\\n|[${VERTICAL_SPACE}])`;
  if (inClass && next === 'b') return '\\x08';
  if (next === 'c') {
    const control = pattern[scan.index];
    if (control === undefined || control.charCodeAt(0) > 0x7e)
      throw new PcreError('\\c must be followed by a printable ASCII character');
    scan.index++;
    return literal(control.toUpperCase().charCodeAt(0) ^ 0x40);
  }
  const hex = /^x(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{0,2}))/.exec(rest);
  if (next === 'x' && hex) {
    scan.index += hex[0].length - 1;
    return byteCode(parseInt(hex[1] ?? (hex[2] || '0'), 16));
  }
  const braceOctal = /^o\{([0-7]+)\}/.exec(rest);
  if (next === 'o' && braceOctal) {
    scan.index += braceOctal[0].length - 1;
    return byteCode(parseInt(braceOctal[1], 8));
  }
  // PCRE: \0 is always octal; inside a class \1–\7 are octal too (\8, \9 are errors in PCRE2).
  const octal = /^[0-7]{1,3}/.exec(rest);
  if (octal && (next === '0' || inClass)) {
    scan.index += octal[0].length - 1;
    return byteCode(parseInt(octal[0], 8));
  }
  if (/[A-Za-z0-9]/.test(next)) throw new PcreError(`unrecognized or unsupported escape \\${next}`);
  return literal(next.charCodeAt(0));
}

function byteCode(code: number): string {
  if (code > 0xff) throw new PcreError('character code point value in \\x{} or \\o{} is too large');
  return literal(code);
}

export function translateClass(scan: Scan): void {
  const { pattern } = scan;
  scan.index++;
  let out = '[';
  if (pattern[scan.index] === '^') {
    out += '^';
    scan.index++;
  }
  // PCRE: a ']' first in the class is a literal; in JS `[]` would match nothing.
  if (pattern[scan.index] === ']') {
    out += '\\]';
    scan.index++;
  }
  for (;;) {
    const ch = pattern[scan.index];
    if (ch === undefined) throw new PcreError('missing terminating ] for character class');
    if (ch === ']') {
      scan.index++;
      break;
    }
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(scan.index, scan.index + 12));
    if (posix) {
      const body = POSIX_CLASSES[posix[2]];
      if (body === undefined || posix[1] === '^') throw new PcreError(`unsupported POSIX class ${posix[0]}`);
      out += body;
      scan.index += posix[0].length;
    } else if (ch === '\\') {
      if (pattern[scan.index + 1] === 'Q') {
        const end = pattern.indexOf('\\E', scan.index + 2);
        out += [...pattern.slice(scan.index + 2, end < 0 ? pattern.length : end)].map(classChar).join('');
        scan.index = end < 0 ? pattern.length : end + 2;
      } else if (pattern[scan.index + 1] === 'E') {
        scan.index += 2;
      } else {
        out += translateCharEscape(scan, true);
      }
    } else if (ch === '-') {
      out += '-';
      scan.index++;
    } else {
      out += classChar(ch);
      scan.index++;
    }
  }
  scan.out += out + ']';
}

export function classChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0x80 || code < 0x20) return literal(code);
  return /[\\\]^[-]/.test(ch) ? '\\' + ch : ch;
}
