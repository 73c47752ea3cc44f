// Translates a PCRE2 pattern (as Apache compiles it: 8-bit, no UTF) into a JavaScript RegExp source. Pure: no I/O.
// JS regexes see the subject through byte-alphabet.ts, where bytes 0x80–0xFF are private-use code points, so
// `\s`, `\w`, case folding and `.` treat them the way PCRE's C-locale tables do. Constructs JS cannot express
// (atomic groups, possessive quantifiers, recursion, conditionals, \p, \K, verbs, mid-pattern flags) are errors.

import type { ByteString } from '../byte-string';
import { toRegexChar } from './byte-alphabet';

/** A pattern ready for `new RegExp(source, flags)`, or why it cannot be (the caller reports a compile failure). */
export type PcreTranslation =
  | { ok: true; source: string; caseInsensitive: boolean; nestedUnboundedRepeat: boolean }
  | { ok: false; message: string };

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
  d: '\\d', D: '\\D', w: '\\w', W: '\\W', s: '\\s', S: '\\S', n: '\\n', r: '\\r', t: '\\t', f: '\\f',
  e: '\\x1b', a: '\\x07',
};
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

function escapeCode(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** One byte as a JS pattern atom that means exactly that byte, inside or outside a class. */
function literal(code: number): string {
  return escapeCode(toRegexChar(code));
}

interface Scan {
  readonly pattern: ByteString;
  index: number;
  out: string;
  groupCount: number;
  readonly totalGroups: number;
  /** Per open group: does it contain an unbounded quantifier? (safety check, see translatePcre). */
  readonly unboundedStack: boolean[];
  nestedUnboundedRepeat: boolean;
  lastAtomHadUnbounded: boolean;
}

class PcreError extends Error {}

/**
 * Translates `pattern`; `caseInsensitive` is the ap_expr `i` flag. `nestedUnboundedRepeat` flags star height ≥ 2
 * (`(a+)*`), the classic catastrophic-backtracking shape, so the caller can refuse it (JS regexes cannot time out).
 */
export function translatePcre(pattern: ByteString, caseInsensitive: boolean): PcreTranslation {
  const scan: Scan = {
    pattern,
    index: 0,
    out: '',
    groupCount: 0,
    totalGroups: countGroups(pattern),
    unboundedStack: [false],
    nestedUnboundedRepeat: false,
    lastAtomHadUnbounded: false,
  };
  let insensitive = caseInsensitive;
  // PCRE allows option settings anywhere; we support the common leading `(?i)` only.
  if (pattern.startsWith('(?i)')) {
    insensitive = true;
    scan.index = 4;
  }
  try {
    while (scan.index < pattern.length) translateAtom(scan);
    if (scan.unboundedStack.length !== 1) throw new PcreError('missing )');
  } catch (err) {
    if (err instanceof PcreError) return { ok: false, message: err.message };
    throw err;
  }
  return { ok: true, source: scan.out, caseInsensitive: insensitive, nestedUnboundedRepeat: scan.nestedUnboundedRepeat };
}

/** Counts capturing groups up front: PCRE decides `\12` (backreference or octal) by the total. */
function countGroups(pattern: ByteString): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (ch === '(' && (pattern[i + 1] !== '?' || /^\?(P?<[A-Za-z_]|')/.test(pattern.slice(i + 1, i + 5)))) {
      if (pattern[i + 1] !== '*') count++;
    }
  }
  return count;
}

function translateAtom(scan: Scan): void {
  const ch = scan.pattern[scan.index];
  const atomStart = scan.out.length;
  scan.lastAtomHadUnbounded = false;
  switch (ch) {
    case '\\':
      translateEscape(scan);
      break;
    case '[':
      translateClass(scan);
      break;
    case '(':
      translateGroupOpen(scan);
      return;
    case ')':
      translateGroupClose(scan);
      break;
    case '*':
    case '+':
    case '?':
      throw new PcreError('quantifier does not follow a repeatable item');
    case '{':
      if (readQuantifier(scan.pattern, scan.index)) throw new PcreError('quantifier does not follow a repeatable item');
      scan.out += '\\{';
      scan.index++;
      break;
    case '.':
      scan.out += '.';
      scan.index++;
      break;
    case '^':
    case '$':
    case '|':
      scan.out += ch;
      scan.index++;
      return;
    default:
      scan.out += literalChar(ch);
      scan.index++;
  }
  translateQuantifier(scan, atomStart);
}

function literalChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0x80 || code < 0x20) return literal(code);
  return /[\\^$.|?*+()[\]{}/]/.test(ch) ? '\\' + ch : ch;
}

interface Quantifier {
  length: number;
  min: number;
  max: number;
  text: string;
}

/** PCRE2 quantifier at `index`: * + ? {n} {n,} {n,m} ({,m} is a literal before PCRE2 10.43, as in JS). */
function readQuantifier(pattern: ByteString, index: number): Quantifier | null {
  const ch = pattern[index];
  if (ch === '*') return { length: 1, min: 0, max: Infinity, text: '*' };
  if (ch === '+') return { length: 1, min: 1, max: Infinity, text: '+' };
  if (ch === '?') return { length: 1, min: 0, max: 1, text: '?' };
  if (ch !== '{') return null;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index, index + 24));
  if (!match) return null;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
  if (min > 65535 || max < min || (max !== Infinity && max > 65535)) {
    throw new PcreError('number too big or out of order in {} quantifier');
  }
  return { length: match[0].length, min, max, text: match[0] };
}

function translateQuantifier(scan: Scan, atomStart: number): void {
  const quantifier = readQuantifier(scan.pattern, scan.index);
  if (!quantifier) return;
  if (atomStart === scan.out.length) throw new PcreError('quantifier does not follow a repeatable item');
  scan.index += quantifier.length;
  scan.out += quantifier.text;
  const next = scan.pattern[scan.index];
  if (next === '+') throw new PcreError('possessive quantifiers are not supported');
  if (next === '?') {
    scan.out += '?';
    scan.index++;
  }
  if (readQuantifier(scan.pattern, scan.index)) throw new PcreError('quantifier does not follow a repeatable item');
  if (quantifier.max === Infinity) {
    if (scan.lastAtomHadUnbounded) scan.nestedUnboundedRepeat = true;
    scan.unboundedStack[scan.unboundedStack.length - 1] = true;
  }
}

function translateGroupOpen(scan: Scan): void {
  const rest = scan.pattern.slice(scan.index, scan.index + 40);
  let opener: string;
  let consumed: number;
  const named = /^\((?:\?P?<([^>=!]*)>|\?'([^']*)')/.exec(rest);
  if (named) {
    const name = named[1] ?? named[2] ?? '';
    if (!NAME.test(name)) throw new PcreError('bad group name');
    opener = `(?<${name}>`;
    consumed = named[0].length;
  } else if (/^\(\?#/.test(rest)) {
    const end = scan.pattern.indexOf(')', scan.index);
    if (end < 0) throw new PcreError('missing ) after (?# comment');
    scan.index = end + 1;
    return;
  } else if (/^\(\?P=/.test(rest)) {
    const ref = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
    if (!ref) throw new PcreError('bad named reference');
    const start = scan.out.length;
    scan.out += `\\k<${ref[1]}>`;
    scan.index += ref[0].length;
    translateQuantifier(scan, start);
    return;
  } else if (/^\((\?:|\?=|\?!|\?<=|\?<!)/.test(rest)) {
    opener = /^\((\?:|\?=|\?!|\?<=|\?<!)/.exec(rest)?.[0] ?? '(';
    consumed = opener.length;
  } else if (rest.startsWith('(?') || rest.startsWith('(*')) {
    throw new PcreError(`unsupported group syntax ${JSON.stringify(rest.slice(0, 4))}`);
  } else {
    opener = '(';
    consumed = 1;
  }
  scan.out += opener;
  scan.index += consumed;
  scan.unboundedStack.push(false);
}

function translateGroupClose(scan: Scan): void {
  if (scan.unboundedStack.length <= 1) throw new PcreError('unmatched closing parenthesis');
  const inner = scan.unboundedStack.pop() ?? false;
  scan.out += ')';
  scan.index++;
  scan.lastAtomHadUnbounded = inner;
  if (inner) scan.unboundedStack[scan.unboundedStack.length - 1] = true;
}

function translateEscape(scan: Scan): void {
  const { pattern } = scan;
  const next = pattern[scan.index + 1];
  if (next === undefined) throw new PcreError('\\ at end of pattern');
  if (next === 'Q') {
    const end = pattern.indexOf('\\E', scan.index + 2);
    const quoted = pattern.slice(scan.index + 2, end < 0 ? pattern.length : end);
    scan.out += [...quoted].map(literalChar).join('');
    scan.index = end < 0 ? pattern.length : end + 2;
    return;
  }
  if (next === 'E') {
    scan.index += 2;
    return;
  }
  const anchors: Record<string, string> = { A: '^', z: '$', Z: '(?=\\n?$)', b: '\\b', B: '\\B' };
  if (anchors[next] !== undefined) {
    scan.out += anchors[next];
    scan.index += 2;
    return;
  }
  if (/[1-9]/.test(next)) {
    const digits = /^[0-9]+/.exec(pattern.slice(scan.index + 1))?.[0] ?? next;
    const number = Number(digits);
    if (number < 10 || number <= scan.totalGroups) {
      if (number > scan.totalGroups) throw new PcreError('reference to non-existent subpattern');
      scan.out += `(?:\\${number})`;
      scan.index += 1 + digits.length;
      return;
    }
  }
  if (next === 'g' || next === 'k') {
    translateNamedReference(scan);
    return;
  }
  scan.out += translateCharEscape(scan, false);
}

/** \g{n} \gn \g{-n} \g{name} \k<name> \k'name' \k{name}: backreferences. */
function translateNamedReference(scan: Scan): void {
  const rest = scan.pattern.slice(scan.index, scan.index + 40);
  const match = /^\\(?:g\{(-?\d+|[A-Za-z_]\w*)\}|g(-?\d+)|k<([A-Za-z_]\w*)>|k'([A-Za-z_]\w*)'|k\{([A-Za-z_]\w*)\})/.exec(rest);
  if (!match) throw new PcreError('malformed \\g or \\k reference');
  const ref = match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[5] ?? '';
  scan.index += match[0].length;
  if (/^-?\d+$/.test(ref)) {
    const number = Number(ref) < 0 ? scan.groupCount + 1 + Number(ref) : Number(ref);
    if (number < 1 || number > scan.totalGroups) throw new PcreError('reference to non-existent subpattern');
    scan.out += `(?:\\${number})`;
  } else {
    scan.out += `\\k<${ref}>`;
  }
}

/** Escapes meaning one byte or a byte class; shared by class and non-class contexts. */
function translateCharEscape(scan: Scan, inClass: boolean): string {
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
    if (control === undefined || control.charCodeAt(0) > 0x7e) throw new PcreError('\\c must be followed by a printable ASCII character');
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

function translateClass(scan: Scan): void {
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

function classChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0x80 || code < 0x20) return literal(code);
  return /[\\\]^[-]/.test(ch) ? '\\' + ch : ch;
}
