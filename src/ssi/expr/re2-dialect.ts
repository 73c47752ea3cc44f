// Rewrites the JS regex source made by pcre-to-js.ts into RE2 syntax, for the linear-time matcher. Pure: no I/O.
// Returns null for what RE2 cannot run (backreferences, lookahead); the caller then uses the bounded fallback.

/** PCRE2's \s: RE2's own \s lacks VT (0x0B), which PCRE2 ≥ 8.34 counts as space, like JS. */
const SPACE_IN_CLASS = '[:space:]';
const NOT_SPACE_IN_CLASS = '[:^space:]';

/**
 * The RE2 spelling of `jsSource`, or null when it needs a backtracking engine. Every `\` in the translator's
 * output starts an escape pair and every unescaped `[` opens a class, so a flat scan knows where it is.
 */
export function toRe2Source(jsSource: string): string | null {
  let out = '';
  let inClass = false;
  for (let i = 0; i < jsSource.length; i++) {
    const ch = jsSource[i];
    if (ch === '\\') {
      const escape = rewriteEscape(jsSource, i, inClass);
      if (escape === null) return null;
      out += escape.text;
      i += escape.length - 1;
      continue;
    }
    if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(' && /^\(\?[=!]/.test(jsSource.slice(i, i + 3))) return null;
    out += ch;
  }
  return out;
}

function rewriteEscape(
  source: string,
  index: number,
  inClass: boolean,
): { text: string; length: number } | null {
  const next = source[index + 1];
  if (next === 'u') {
    return { text: `\\x{${source.slice(index + 2, index + 6)}}`, length: 6 };
  }
  // Backreferences: \1…\99 and \k<name>.
  if (next === 'k' || /[1-9]/.test(next)) return null;
  if (next === 's') return { text: inClass ? SPACE_IN_CLASS : `[${SPACE_IN_CLASS}]`, length: 2 };
  if (next === 'S') return { text: inClass ? NOT_SPACE_IN_CLASS : `[${NOT_SPACE_IN_CLASS}]`, length: 2 };
  return { text: source.slice(index, index + 2), length: 2 };
}
