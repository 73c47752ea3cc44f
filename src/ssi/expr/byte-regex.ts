// Compiles and runs Apache-style regexes (PCRE2, DOTALL + DOLLAR_ENDONLY defaults) on ByteStrings. Pure: no I/O.
// Apache: server/util_pcre.c ap_regcomp adds AP_REG_DEFAULT = DOTALL|DOLLAR_ENDONLY; JS `s` without `m` is the same.

import { BoundedMemo } from '../bounded-memo';
import type { ByteString } from '../byte-string';
import { fromRegexAlphabet, toRegexAlphabet } from './byte-alphabet';
import { translatePcre } from './pcre-to-js';
import { excerpt } from '../excerpt';

/**
 * Longest pattern accepted. Apache's scanner stops at MAX_STRING_LEN ("Regexp too long"); the same cap bounds
 * the work a single compile can cost us.
 */
export const MAX_PATTERN_LENGTH = 8191;
/** AP_MAX_REG_MATCH: only $0..$9 are ever visible. */
const MAX_CAPTURES = 10;

/** A compiled regex plus what Apache knows about it (re_nsub). */
export interface ByteRegex {
  readonly pattern: ByteString;
  readonly groupCount: number;
  readonly regex: RegExp;
}

/** The match of a ByteRegex: $0..$min(groups, 9); undefined where a group did not participate. */
export type RegexMatch = Array<ByteString | undefined>;

export type CompileResult = { ok: true; regex: ByteRegex } | { ok: false; message: string };

// Legacy patterns are substituted before they are compiled, so a request can choose them: the memo is bounded by
// pattern text (256 KiB, 256 patterns); V8's compiled code for a pattern grows with its length.
const cache = new BoundedMemo<CompileResult>({ maxBytes: 256 * 1024, maxEntries: 256, entryBytes: 1024 });

/**
 * Compiles `pattern` like ap_pregcomp. Star-height ≥ 2 patterns (`(a+)*`) are refused: JS has no regex timeout,
 * and such a pattern can take exponential time on a request-controlled subject.
 */
export function compileByteRegex(pattern: ByteString, caseInsensitive: boolean): CompileResult {
  const key = (caseInsensitive ? 'i' : '-') + pattern;
  const cached = cache.get(key);
  if (cached) return cached;
  return cache.remember(key, compileUncached(pattern, caseInsensitive));
}

function compileUncached(pattern: ByteString, caseInsensitive: boolean): CompileResult {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, message: 'Regexp too long' };
  const translation = translatePcre(pattern, caseInsensitive);
  if (!translation.ok)
    return { ok: false, message: `Failed to compile regular expression: ${excerpt(translation.message)}` };
  if (translation.nestedUnboundedRepeat) {
    return {
      ok: false,
      message: 'Regular expression refused: nested unbounded repetition can backtrack catastrophically',
    };
  }
  let regex: RegExp;
  try {
    regex = new RegExp(translation.source, translation.caseInsensitive ? 'si' : 's');
  } catch (err) {
    return { ok: false, message: `Failed to compile regular expression: ${excerpt((err as Error).message)}` };
  }
  // A trailing empty alternative always matches, so its exec() result length reveals the group count.
  const groupCount = (new RegExp(`${translation.source}|`, 's').exec('')?.length ?? 1) - 1;
  return { ok: true, regex: { pattern, groupCount, regex } };
}

/** Runs the regex like ap_regexec: the captures on a match, null otherwise. */
export function execByteRegex(compiled: ByteRegex, subject: ByteString): RegexMatch | null {
  const match = compiled.regex.exec(toRegexAlphabet(subject));
  if (!match) return null;
  const size = Math.min(compiled.groupCount + 1, MAX_CAPTURES);
  const captures: RegexMatch = [];
  for (let i = 0; i < size; i++) {
    const value = match[i];
    captures.push(value === undefined ? undefined : fromRegexAlphabet(value));
  }
  return captures;
}
