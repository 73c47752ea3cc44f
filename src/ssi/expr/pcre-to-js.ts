// Translates a PCRE2 pattern (as Apache compiles it: 8-bit, no UTF) into a JavaScript RegExp source. Pure: no I/O.
// JS regexes see the subject through byte-alphabet.ts, where bytes 0x80–0xFF are private-use code points, so
// `\s`, `\w`, case folding and `.` treat them the way PCRE's C-locale tables do. Constructs JS cannot express
// (atomic groups, possessive quantifiers, recursion, conditionals, \p, \K, verbs, mid-pattern flags) are errors.

import type { ByteString } from '../byte-string';
import { PcreError, literalChar, translateCharEscape, translateClass, type Scan } from './pcre-syntax';

/** A pattern ready for `new RegExp(source, flags)`, or why it cannot be (the caller reports a compile failure). */
export type PcreTranslation =
  { ok: true; source: string; caseInsensitive: boolean } | { ok: false; message: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/** Translates `pattern`; `caseInsensitive` is the ap_expr `i` flag. */
export function translatePcre(pattern: ByteString, caseInsensitive: boolean): PcreTranslation {
  const scan: Scan = {
    pattern,
    index: 0,
    out: '',
    groupCount: 0,
    totalGroups: countGroups(pattern),
    openGroups: 0,
  };
  let insensitive = caseInsensitive;
  // PCRE allows option settings anywhere; we support the common leading `(?i)` only.
  if (pattern.startsWith('(?i)')) {
    insensitive = true;
    scan.index = 4;
  }
  try {
    while (scan.index < pattern.length) translateAtom(scan);
    if (scan.openGroups !== 0) throw new PcreError('missing )');
  } catch (err) {
    if (err instanceof PcreError) return { ok: false, message: err.message };
    throw err;
  }
  return { ok: true, source: scan.out, caseInsensitive: insensitive };
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
    } else if (
      ch === '(' &&
      (pattern[i + 1] !== '?' || /^\?(P?<[A-Za-z_]|')/.test(pattern.slice(i + 1, i + 5)))
    ) {
      if (pattern[i + 1] !== '*') count++;
    }
  }
  return count;
}

function translateAtom(scan: Scan): void {
  const ch = scan.pattern[scan.index];
  const atomStart = scan.out.length;
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
      if (readQuantifier(scan.pattern, scan.index))
        throw new PcreError('quantifier does not follow a repeatable item');
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
  if (readQuantifier(scan.pattern, scan.index))
    throw new PcreError('quantifier does not follow a repeatable item');
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
    scan.groupCount++;
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
    scan.groupCount++;
    consumed = 1;
  }
  scan.out += opener;
  scan.index += consumed;
  scan.openGroups++;
}

function translateGroupClose(scan: Scan): void {
  if (scan.openGroups === 0) throw new PcreError('unmatched closing parenthesis');
  scan.openGroups--;
  scan.out += ')';
  scan.index++;
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
  const match =
    /^\\(?:g\{(-?\d+|[A-Za-z_]\w*)\}|g(-?\d+)|k<([A-Za-z_]\w*)>|k'([A-Za-z_]\w*)'|k\{([A-Za-z_]\w*)\})/.exec(
      rest,
    );
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
