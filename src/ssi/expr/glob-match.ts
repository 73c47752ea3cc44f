// apr_fnmatch(3) for -strmatch, -strcmatch and -fnmatch. Pure: no I/O.
// Follows apr/strings/apr_fnmatch.c: `*` `?` `[...]` (`!`/`^` negation, ranges, leading `]`), backslash escapes,
// an unbalanced `[` matching itself, and with PATHNAME no wildcard crossing `/`. Bytes compare as signed
// `char`, as on Apache's x86 builds, so a range like `[a-é]` matches nothing.

import type { ByteString } from '../byte-string';

/** How the pattern is applied (APR_FNM_* flags used by ap_expr). */
export interface GlobOptions {
  /** APR_FNM_PATHNAME: wildcards do not match `/`. @default false */
  pathname?: boolean;
  /** APR_FNM_CASE_BLIND: ASCII letters match either case. @default false */
  caseBlind?: boolean;
}

interface Cursor {
  pattern: ByteString;
  string: ByteString;
  p: number;
  s: number;
  slash: boolean;
  nocase: boolean;
}

/** Byte at `i` as a signed C char; 0 past the end (the NUL terminator). */
function at(text: ByteString, i: number): number {
  if (i >= text.length) return 0;
  const code = text.charCodeAt(i);
  return code >= 0x80 ? code - 0x100 : code;
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const lower = (c: number): number => (isUpper(c) ? c + 32 : c);

function charsEqual(c: Cursor, sc: number, pc: number): boolean {
  return sc === pc || (c.nocase && (isUpper(sc) || isUpper(pc)) && lower(sc) === lower(pc));
}

/** Tries the bracket expression at c.p; returns the match result, or null to treat `[` as a literal. */
function matchBracket(c: Cursor): boolean | null {
  const { pattern } = c;
  const sc = at(c.string, c.s);
  let p = c.p + 1;
  const negate = at(pattern, p) === 0x21 || at(pattern, p) === 0x5e;
  if (negate) p++;
  let matched = false;
  let first = true;
  while (at(pattern, p) !== 0) {
    if (at(pattern, p) === 0x5d && !first) {
      c.p = p + 1;
      c.s++;
      return matched !== negate;
    }
    if (!(first && at(pattern, p) === 0x5d)) {
      if (at(pattern, p) === BACKSLASH) {
        p++;
        if (at(pattern, p) === 0) break;
      }
      if (c.slash && at(pattern, p) === SLASH) break;
    }
    first = false;
    if (at(pattern, p + 1) === 0x2d && at(pattern, p + 2) !== 0x5d) {
      const start = at(pattern, p);
      p += at(pattern, p + 2) === BACKSLASH ? 3 : 2;
      const end = at(pattern, p);
      if (end === 0 || (c.slash && end === SLASH)) break;
      if (
        (sc >= start && sc <= end) ||
        (c.nocase &&
          (isUpper(sc) || isUpper(start) || isUpper(end)) &&
          lower(sc) >= lower(start) &&
          lower(sc) <= lower(end))
      ) {
        matched = true;
      }
      p++;
      continue;
    }
    if (charsEqual(c, sc, at(pattern, p))) matched = true;
    p++;
  }
  return null;
}

/** fnmatch_ch: one pattern element against one string char; advances the cursor on success. */
function matchOne(c: Cursor): boolean {
  if (at(c.pattern, c.p) === 0x5b) {
    const bracket = matchBracket(c);
    if (bracket !== null) return bracket;
  } else if (at(c.pattern, c.p) === 0x3f) {
    const sc = at(c.string, c.s);
    if (sc === 0 || (c.slash && sc === SLASH)) return false;
    c.p++;
    c.s++;
    return true;
  } else if (at(c.pattern, c.p) === BACKSLASH && at(c.pattern, c.p + 1) !== 0) {
    c.p++;
  }
  const sc = at(c.string, c.s);
  const pc = at(c.pattern, c.p);
  const result = charsEqual(c, sc, pc);
  if (sc === 0 || pc === 0 || (c.slash && (sc === SLASH || pc === SLASH))) return result;
  c.p++;
  c.s++;
  return result;
}

function isSegmentEnd(c: Cursor, p: number): boolean {
  return (
    c.slash &&
    (at(c.pattern, p) === SLASH || (at(c.pattern, p) === BACKSLASH && at(c.pattern, p + 1) === SLASH))
  );
}

/** Counts the fixed-width elements after a `*` up to the next `*` or segment end (apr_fnmatch's matchlen). */
function fixedLength(c: Cursor, from: number): { length: number; toSegmentEnd: boolean } {
  let p = from;
  for (let length = 0; ; length++) {
    if (at(c.pattern, p) === 0 || isSegmentEnd(c, p)) return { length, toSegmentEnd: true };
    if (at(c.pattern, p) === 0x2a) return { length, toSegmentEnd: false };
    if (at(c.pattern, p) === BACKSLASH && at(c.pattern, p + 1) !== 0) p += 2;
    else if (at(c.pattern, p) === 0x5b) {
      const probe: Cursor = { ...c, string: ' ', p, s: 0 };
      matchOne(probe);
      p = probe.p;
    } else p++;
  }
}

/** Matches one `/`-delimited segment (or the whole string without PATHNAME); false on a definite mismatch. */
function matchSegment(c: Cursor): boolean {
  let segmentEnd = c.slash ? c.string.indexOf('/', c.s) : -1;
  if (segmentEnd < 0) segmentEnd = c.string.length;
  let wildStart = 0;
  let wildPattern = 0;
  let matchLength = 0;
  while (at(c.pattern, c.p) !== 0) {
    if (c.s > segmentEnd || (c.s === segmentEnd && at(c.pattern, c.p) !== 0x2a)) break;
    if (isSegmentEnd(c, c.p)) break;
    let wild = false;
    for (; at(c.pattern, c.p) === 0x2a || at(c.pattern, c.p) === 0x3f; c.p++) {
      if (at(c.pattern, c.p) === 0x2a) wild = true;
      else if (c.s < segmentEnd) c.s++;
      else return false;
    }
    if (wild) {
      wildStart = c.s;
      wildPattern = c.p;
      const fixed = fixedLength(c, c.p);
      matchLength = fixed.length;
      if (c.s + matchLength > segmentEnd) return false;
      if (fixed.toSegmentEnd) {
        c.s = segmentEnd - matchLength;
        wild = false;
      }
    }
    while (at(c.pattern, c.p) !== 0 && c.s < segmentEnd) {
      if (at(c.pattern, c.p) === 0x2a) break;
      if (c.slash && (at(c.string, c.s) === SLASH || isSegmentEnd(c, c.p))) break;
      if (matchOne(c)) continue;
      if (!wild) return false;
      c.s = ++wildStart;
      if (c.s + matchLength > segmentEnd) return false;
      c.p = wildPattern;
    }
  }
  if (at(c.string, c.s) !== 0 && !(c.slash && at(c.string, c.s) === SLASH)) return false;
  if (at(c.pattern, c.p) !== 0 && !isSegmentEnd(c, c.p)) return false;
  return true;
}

/**
 * True iff `string` matches the glob `pattern`, like `apr_fnmatch(pattern, string, flags) == APR_SUCCESS`.
 * @example globMatch('a*', 'ab') // true
 */
export function globMatch(pattern: ByteString, string: ByteString, options: GlobOptions = {}): boolean {
  const c: Cursor = {
    pattern,
    string,
    p: 0,
    s: 0,
    slash: options.pathname ?? false,
    nocase: options.caseBlind ?? false,
  };
  let first = at(pattern, 0) === 0x2a;
  while (first || (at(c.pattern, c.p) !== 0 && at(c.string, c.s) !== 0)) {
    if (!first) {
      if (c.slash && at(c.pattern, c.p) === BACKSLASH && at(c.pattern, c.p + 1) === SLASH) c.p++;
      if (c.slash && at(c.pattern, c.p) === SLASH && at(c.string, c.s) === SLASH) {
        c.p++;
        c.s++;
      }
    }
    first = false;
    if (!matchSegment(c)) return false;
  }
  return at(c.string, c.s) === 0 && at(c.pattern, c.p) === 0;
}
