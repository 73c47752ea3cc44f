// Scanner for ap_expr, following Apache 2.4's server/util_expr_scan.l rule by rule. Pure: no I/O.
// Like flex, each step takes the LONGEST matching rule and, on a tie, the one listed first; string, variable
// and regex contents use the same start states (str, var, vararg, regex, regex_flags).

import type { ByteString } from '../byte-string';

/** A token, named after the bison token it stands for. */
export type ApToken =
  | { type: 'STRING' | 'ID' | 'DIGIT' | 'UNARY' | 'BINARY'; value: ByteString }
  | { type: 'REGEX'; value: ByteString; caseInsensitive: boolean }
  | { type: 'BACKREF'; index: number }
  | { type: ApOperatorToken }
  | { type: 'STR_BEGIN' | 'STR_END' | 'VAR_BEGIN' | 'VAR_END' | 'EOF' };

export type ApOperatorToken =
  | 'EQ'
  | 'NE'
  | 'LT'
  | 'LE'
  | 'GT'
  | 'GE'
  | 'STR_EQ'
  | 'STR_NE'
  | 'STR_LT'
  | 'STR_LE'
  | 'STR_GT'
  | 'STR_GE'
  | 'REG'
  | 'NRE'
  | 'IN'
  | 'AND'
  | 'OR'
  | 'NOT'
  | 'CONCAT'
  | 'TRUE'
  | 'FALSE'
  | '('
  | ')'
  | '{'
  | '}'
  | ','
  | ':';

/** A scan failure; the parser reports it as a parse error. */
export class ApScanError extends Error {}

/** MAX_STRING_LEN: Apache's scan buffer; a string part reaching it is "String too long". */
const MAX_STRING_LENGTH = 8192;
const REGEX_DELIMITERS = '/#$%^,;:_?|-!.\'"';

type Rule = readonly [RegExp, (text: string) => ApToken | null];
const op = (type: ApOperatorToken) => (): ApToken => ({ type });

/** INITIAL-state rules after strings, %{ and $N, in util_expr_scan.l order. */
const INITIAL_RULES: readonly Rule[] = [
  [/==?/y, op('STR_EQ')],
  [/!=/y, op('STR_NE')],
  [/</y, op('STR_LT')],
  [/<=/y, op('STR_LE')],
  [/>/y, op('STR_GT')],
  [/>=/y, op('STR_GE')],
  [/=~/y, op('REG')],
  [/!~/y, op('NRE')],
  [/and/y, op('AND')],
  [/&&/y, op('AND')],
  [/or/y, op('OR')],
  [/\|\|/y, op('OR')],
  [/not/y, op('NOT')],
  [/!/y, op('NOT')],
  [/\./y, op('CONCAT')],
  [/-in/y, op('IN')],
  [/-eq/y, op('EQ')],
  [/-ne/y, op('NE')],
  [/-ge/y, op('GE')],
  [/-le/y, op('LE')],
  [/-gt/y, op('GT')],
  [/-lt/y, op('LT')],
  [/lt/y, op('LT')],
  [/le/y, op('LE')],
  [/gt/y, op('GT')],
  [/ge/y, op('GE')],
  [/ne/y, op('NE')],
  [/eq/y, op('EQ')],
  [/in/y, op('IN')],
  [/-[a-zA-Z_]/y, (text) => ({ type: 'UNARY', value: text.slice(1) })],
  [/-[a-zA-Z_][a-zA-Z_0-9]+/y, (text) => ({ type: 'BINARY', value: text.slice(1) })],
  [/true/y, op('TRUE')],
  [/false/y, op('FALSE')],
  [/-?[0-9]+/y, (text) => ({ type: 'DIGIT', value: text })],
  [/[a-zA-Z][a-zA-Z0-9_]*/y, (text) => ({ type: 'ID', value: text })],
  [/[(){},:]/y, (text) => ({ type: text as ApOperatorToken })],
];

type State = 'initial' | 'str' | 'var' | 'vararg';

/** Scans a whole expression into tokens (ending with EOF), or throws ApScanError. */
export function scanApExpression(source: ByteString): ApToken[] {
  const tokens: ApToken[] = [];
  const stack: State[] = [];
  let state: State = 'initial';
  let pos = 0;
  let buffer = '';
  let delimiter = '';
  const flush = (): void => {
    tokens.push({ type: 'STRING', value: buffer });
    buffer = '';
  };
  const append = (text: string): void => {
    buffer += text;
    if (buffer.length >= MAX_STRING_LENGTH) throw new ApScanError('String too long');
  };
  while (pos < source.length) {
    const ch = source[pos];
    if (state === 'initial') {
      pos = scanInitial(source, pos, tokens, (next) => {
        if (next === 'str') delimiter = source[pos];
        if (next === 'var') stack.push('initial');
        state = next;
      });
      continue;
    }
    if (state === 'var') {
      const id = /[a-zA-Z][a-zA-Z0-9_]*/y;
      id.lastIndex = pos;
      const match = id.exec(source);
      if (match) {
        tokens.push({ type: 'ID', value: match[0] });
        pos += match[0].length;
      } else if (ch === '}') {
        tokens.push({ type: 'VAR_END' });
        state = stack.pop() ?? 'initial';
        pos++;
      } else if (ch === ':') {
        tokens.push({ type: ':' });
        state = 'vararg';
        pos++;
      } else {
        throw new ApScanError(
          ch === '\n' ? 'Unterminated string or variable' : `Invalid character in variable name '${ch}'`,
        );
      }
      continue;
    }
    // str and vararg share the string rules.
    if (state === 'str' && (ch === '"' || ch === "'")) {
      if (ch !== delimiter) {
        append(ch);
        pos++;
      } else if (buffer !== '') {
        flush();
      } else {
        tokens.push({ type: 'STR_END' });
        state = 'initial';
        pos++;
      }
      continue;
    }
    if (state === 'vararg' && ch === '}') {
      if (buffer !== '') flush();
      else {
        tokens.push({ type: 'VAR_END' });
        state = stack.pop() ?? 'initial';
        pos++;
      }
      continue;
    }
    if (ch === '\n') throw new ApScanError('Unterminated string or variable');
    if (ch === '\\') {
      pos = scanEscape(source, pos, append);
      continue;
    }
    if ((ch === '$' && /[0-9]/.test(source[pos + 1] ?? '')) || (ch === '%' && source[pos + 1] === '{')) {
      if (buffer !== '') {
        flush();
        continue;
      }
      if (ch === '$') tokens.push({ type: 'BACKREF', index: Number(source[pos + 1]) });
      else {
        tokens.push({ type: 'VAR_BEGIN' });
        stack.push(state);
        state = 'var';
      }
      pos += 2;
      continue;
    }
    if (state === 'vararg' && (ch === '"' || ch === "'")) {
      // No rule matches a quote in <vararg>: flex would jam (a fatal error); we refuse the expression.
      throw new ApScanError(`Unexpected quote in function argument`);
    }
    const run = /[^\\\n"'%}$]+/y;
    run.lastIndex = pos;
    const text = run.exec(source)?.[0] ?? ch;
    append(text);
    pos += text.length;
  }
  if (state !== 'initial') throw new ApScanError('Unterminated string or variable');
  tokens.push({ type: 'EOF' });
  return tokens;
}

/** One INITIAL-state step; returns the new position and tells `enter` about a start-state change. */
function scanInitial(
  source: ByteString,
  pos: number,
  tokens: ApToken[],
  enter: (state: State) => void,
): number {
  const ch = source[pos];
  const next = source[pos + 1] ?? '';
  if (ch === ' ' || ch === '\t' || ch === '\n') return pos + 1;
  if (ch === '"' || ch === "'") {
    tokens.push({ type: 'STR_BEGIN' });
    enter('str');
    return pos + 1;
  }
  if (ch === '%' && next === '{') {
    tokens.push({ type: 'VAR_BEGIN' });
    enter('var');
    return pos + 2;
  }
  if (ch === '$' && /[0-9]/.test(next)) {
    tokens.push({ type: 'BACKREF', index: Number(next) });
    return pos + 2;
  }
  const idLength = /[a-zA-Z][a-zA-Z0-9_]*/y;
  idLength.lastIndex = pos;
  const id = idLength.exec(source)?.[0] ?? '';
  // "m"{REG_SEP} is 2 chars and listed before identifiers: it wins unless an identifier is longer.
  if (ch === '/' || (ch === 'm' && next !== '' && REGEX_DELIMITERS.includes(next) && id.length <= 2)) {
    return scanRegex(source, ch === '/' ? pos + 1 : pos + 2, ch === '/' ? '/' : next, tokens);
  }
  let best: { length: number; rule: Rule } | undefined;
  for (const rule of INITIAL_RULES) {
    rule[0].lastIndex = pos;
    const length = rule[0].exec(source)?.[0].length ?? 0;
    if (length > (best?.length ?? 0)) best = { length, rule };
  }
  if (!best) throw new ApScanError(`Parse error near '${ch}'`);
  const token = best.rule[1](source.slice(pos, pos + best.length));
  if (token) tokens.push(token);
  return pos + best.length;
}

/** <regex>: raw bytes up to the delimiter (no escapes), then an optional `i` flag. */
function scanRegex(source: ByteString, start: number, delimiter: string, tokens: ApToken[]): number {
  const end = source.indexOf(delimiter, start);
  if (end < 0) throw new ApScanError('Unterminated regexp');
  if (end - start >= MAX_STRING_LENGTH) throw new ApScanError('Regexp too long');
  const caseInsensitive = source[end + 1] === 'i';
  tokens.push({ type: 'REGEX', value: source.slice(start, end), caseInsensitive });
  return end + 1 + (caseInsensitive ? 1 : 0);
}

const NAMED_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** <str,vararg> backslash rules: \ooo (≤ 0377), other digit runs are errors, \n \r \t \b \f, else the char. */
function scanEscape(source: ByteString, pos: number, append: (text: string) => void): number {
  const digits = /[0-9]+/y;
  digits.lastIndex = pos + 1;
  const run = digits.exec(source)?.[0] ?? '';
  const octal = /^[0-7]{1,3}/.exec(run)?.[0] ?? '';
  if (run.length > octal.length) throw new ApScanError('Bad escape sequence');
  if (octal !== '') {
    const code = parseInt(octal, 8);
    if (code > 0xff) throw new ApScanError('Escape sequence out of bound');
    append(String.fromCharCode(code));
    return pos + 1 + octal.length;
  }
  const next = source[pos + 1];
  if (next === undefined) throw new ApScanError('Unterminated string or variable');
  append(NAMED_ESCAPES[next] ?? next);
  return pos + 2;
}
