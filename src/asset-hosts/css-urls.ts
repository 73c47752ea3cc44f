// Where the URLs of CSS text are: each `url(…)` token (quoted or not) outside comments and strings, as CSS Syntax
// §4.3.6 reads it. A URL holding a backslash escape is not reported (its bytes are not its value). Pure: no I/O.

import { type UrlRange } from './srcset-candidates';

/** `url(` with any case, then optional whitespace and an optional quote. */
const URL_OPENING = /url\(\s*(["']?)/iy;

/**
 * The URL inside each `url()` of `css`, as offsets into it; comments (`/* … *\/`) and strings are skipped.
 * @example cssUrls('a{background:url("/img/a.png")}') // [{ start: 18, end: 28 }]
 */
export function cssUrls(css: string): UrlRange[] {
  const ranges: UrlRange[] = [];
  let position = 0;
  while (position < css.length) {
    const char = css[position];
    if (char === '/' && css[position + 1] === '*') {
      const close = css.indexOf('*/', position + 2);
      position = close < 0 ? css.length : close + 2;
    } else if (char === '"' || char === "'") {
      position = stringEnd(css, position);
    } else if ((char === 'u' || char === 'U') && !isNameCode(css.charCodeAt(position - 1))) {
      URL_OPENING.lastIndex = position;
      const opening = URL_OPENING.exec(css);
      if (!opening) {
        position++;
        continue;
      }
      const start = position + opening[0].length;
      const end = urlEnd(css, start, opening[1]);
      if (end === undefined) return ranges;
      if (end > start && !css.slice(start, end).includes('\\')) ranges.push({ start, end });
      position = end + 1;
    } else position++;
  }
  return ranges;
}

/** The end of the URL starting at `start`: its closing quote, or the whitespace or `)` after an unquoted one. */
function urlEnd(css: string, start: number, quote: string): number | undefined {
  if (quote !== '') {
    const close = css.indexOf(quote, start);
    return close < 0 ? undefined : close;
  }
  let end = start;
  while (end < css.length && css[end] !== ')' && !/\s/.test(css[end])) end++;
  return end < css.length ? end : undefined;
}

/** The position after the string opening at `start` (an escaped quote does not close it). */
function stringEnd(css: string, start: number): number {
  const quote = css[start];
  for (let position = start + 1; position < css.length; position++) {
    if (css[position] === '\\') position++;
    else if (css[position] === quote || css[position] === '\n') return position + 1;
  }
  return css.length;
}

/** Whether the code is part of a CSS name (so `myurl(` is not a url token). */
function isNameCode(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2d ||
    code === 0x5f ||
    code >= 0x80
  );
}
