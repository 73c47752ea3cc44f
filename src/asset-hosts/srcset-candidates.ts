// Where the URLs of a `srcset` value are: the HTML "parse a srcset attribute" algorithm's URL step (a URL is a run
// of non-whitespace; trailing commas end the candidate), so data: URLs holding commas stay whole. Pure: no I/O.

/** One URL inside a value: its offsets (UTF-16 units of the value, end exclusive). */
export interface UrlRange {
  readonly start: number;
  readonly end: number;
}

/** ASCII whitespace as HTML defines it: tab, LF, FF, CR, space. */
function isSpace(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d || code === 0x20;
}

/**
 * The URL of each image candidate in a `srcset` (or `imagesrcset`) value. Descriptors are skipped as the HTML
 * standard skips them (a comma inside parentheses does not end a candidate).
 * @example srcsetUrls('a.png 1x, b.png 2x') // [{ start: 0, end: 5 }, { start: 10, end: 15 }]
 */
export function srcsetUrls(value: string): UrlRange[] {
  const ranges: UrlRange[] = [];
  let position = 0;
  while (position < value.length) {
    // Skip whitespace and commas before a candidate.
    while (position < value.length && (isSpace(value.charCodeAt(position)) || value[position] === ','))
      position++;
    if (position >= value.length) break;
    const start = position;
    while (position < value.length && !isSpace(value.charCodeAt(position))) position++;
    let end = position;
    if (value[end - 1] === ',') {
      // A URL ending in commas ends its candidate: no descriptors follow.
      while (end > start && value[end - 1] === ',') end--;
      if (end > start) ranges.push({ start, end });
      continue;
    }
    ranges.push({ start, end });
    position = skipDescriptors(value, position);
  }
  return ranges;
}

/** The position after a candidate's descriptors: the comma that ends it (outside parentheses) or the end. */
function skipDescriptors(value: string, from: number): number {
  let depth = 0;
  for (let position = from; position < value.length; position++) {
    const char = value[position];
    if (char === '(') depth++;
    else if (char === ')' && depth > 0) depth--;
    else if (char === ',' && depth === 0) return position + 1;
  }
  return value.length;
}
