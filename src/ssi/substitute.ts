// `$NAME` / `${NAME}` substitution in directive values, as mod_include's ap_ssi_parse_string.
// Pure: the variable table is reached only through the lookup passed in.

import { type ByteString } from './byte-string';

/** The value after substitution. */
export interface SubstitutionResult {
  value: ByteString;
  /** True when a `${NAME` without `}` cut the value at that `$` (Apache logs "Missing '}' on variable"). */
  truncated: boolean;
}

/** Options of {@link substituteVariables}. */
export interface SubstitutionOptions {
  /**
   * Keep an undefined `$NAME` as written, for `exec cmd` so the shell can expand it. As in Apache, an
   * undefined `${NAME}` is then kept without its closing brace (`${NAME`).
   * @default false
   */
  keepUndefined?: boolean;
}

/** The name characters of a bare `$NAME`: `_` and apr_isalnum (ASCII, C locale). */
const NAME_RUN = /[A-Za-z0-9_]*/y;

/**
 * Expands `$NAME` (longest run of `[A-Za-z0-9_]`) and `${NAME}` (anything up to the first `}`) once, left to
 * right; substituted text is not scanned again.
 *
 * `\$` is a literal `$`; any other backslash is copied and the next byte read normally, so `\\$x` gives `\`
 * then a literal `$x`. A `$` not followed by a name or `{`, and `${}`, stay literal. An undefined variable
 * expands to nothing unless `keepUndefined`.
 *
 * @param lookup - returns a variable's value, or undefined when it is not set
 * @example
 * substituteVariables('${A}_$B\\$C', (name) => ({ A: 'X', B: 'Y' })[name]); // { value: 'X_Y$C', truncated: false }
 */
export function substituteVariables(
  text: ByteString,
  lookup: (name: ByteString) => ByteString | undefined,
  options: SubstitutionOptions = {},
): SubstitutionResult {
  const keepUndefined = options.keepUndefined ?? false;
  let value = '';
  let position = 0;
  for (;;) {
    const special = findSpecial(text, position);
    value += text.slice(position, special);
    if (special === text.length) return { value, truncated: false };
    if (text[special] === '\\') {
      // MI ap_ssi_parse_string: `\$` yields `$`; any other backslash is copied alone.
      const escapesDollar = text[special + 1] === '$';
      value += escapesDollar ? '$' : '\\';
      position = special + (escapesDollar ? 2 : 1);
      continue;
    }
    const reference = readReference(text, special);
    if (reference === 'unclosed') return { value, truncated: true };
    if (reference === undefined) {
      value += '$';
      position = special + 1;
      continue;
    }
    const variable = lookup(reference.name);
    if (variable !== undefined) value += variable;
    else if (keepUndefined) value += reference.source;
    position = reference.next;
  }
}

function findSpecial(text: ByteString, from: number): number {
  for (let position = from; position < text.length; position++) {
    const character = text[position];
    if (character === '$' || character === '\\') return position;
  }
  return text.length;
}

/**
 * Reads the reference starting at a `$`: its name, what exec keeps when it is undefined (Apache copies from
 * the `$` up to, not including, the closing brace), and where scanning resumes.
 */
function readReference(
  text: ByteString,
  dollar: number,
): { name: ByteString; source: ByteString; next: number } | 'unclosed' | undefined {
  if (text[dollar + 1] === '{') {
    const close = text.indexOf('}', dollar + 2);
    if (close === -1) return 'unclosed';
    if (close === dollar + 2) return undefined;
    return { name: text.slice(dollar + 2, close), source: text.slice(dollar, close), next: close + 1 };
  }
  NAME_RUN.lastIndex = dollar + 1;
  NAME_RUN.exec(text);
  const end = NAME_RUN.lastIndex;
  if (end === dollar + 1) return undefined;
  return { name: text.slice(dollar + 1, end), source: text.slice(dollar, end), next: end };
}
