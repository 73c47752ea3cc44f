// Compiles and runs Apache-style regexes (PCRE2, DOTALL + DOLLAR_ENDONLY defaults) on ByteStrings. Pure: no I/O.
// Apache: server/util_pcre.c ap_regcomp adds AP_REG_DEFAULT = DOTALL|DOLLAR_ENDONLY; RE2 and JS `s` without `m`
// are the same. Matching runs on RE2 (linear time in the subject, whatever the pattern); only patterns RE2 cannot
// express (backreferences, lookahead, huge counted repeats) backtrack, under a time budget like PCRE's match limit.

import { BoundedMemo } from '../bounded-memo';
import { RE2JS } from 're2js';
import type { ByteString } from '../byte-string';
import { fromRegexAlphabet, toRegexAlphabet } from './byte-alphabet';
import { BACKTRACKING_BUDGET_MS, execWithBudget } from './bounded-backtracking';
import { translatePcre } from './pcre-to-js';
import { excerpt } from '../excerpt';
import { toRe2Source } from './re2-dialect';

/**
 * Longest pattern accepted. Apache's scanner stops at MAX_STRING_LEN ("Regexp too long"); the same cap bounds
 * the work a single compile can cost us.
 */
export const MAX_PATTERN_LENGTH = 8191;
/** AP_MAX_REG_MATCH: only $0..$9 are ever visible. */
const MAX_CAPTURES = 10;

/** How a compiled regex runs: RE2 (linear time) or a budgeted backtracking RegExp. */
export type RegexEngine = { kind: 'linear'; re2: RE2JS } | { kind: 'backtracking'; regex: RegExp };

/** A compiled regex plus what Apache knows about it (re_nsub). */
export interface ByteRegex {
  readonly pattern: ByteString;
  readonly groupCount: number;
  readonly engine: RegexEngine;
}

/** The match of a ByteRegex: $0..$min(groups, 9); undefined where a group did not participate. */
export type RegexMatch = Array<ByteString | undefined>;

export type CompileResult = { ok: true; regex: ByteRegex } | { ok: false; message: string };

/** A match, no match (null), or the backtracking budget ran out (PCRE2_ERROR_MATCHLIMIT's counterpart). */
export type ExecResult = { ok: true; match: RegexMatch | null } | { ok: false; message: string };

/** The runtime error of a match that exceeded its budget; names the pattern as Apache's log would. */
export function matchLimitMessage(pattern: ByteString): string {
  return (
    `Regular expression match limit exceeded (2 × ${BACKTRACKING_BUDGET_MS} ms of backtracking): /${excerpt(pattern)}/; ` +
    'backreferences and lookahead backtrack, other patterns run in linear time'
  );
}

/** testByteRegex's answer: matched or not, or the backtracking budget ran out. */
export type TestResult = { ok: true; matched: boolean } | { ok: false; message: string };

// Legacy patterns are substituted before they are compiled, so a request can choose them: the memo is bounded by
// pattern text (256 KiB, 64 patterns: an RE2 program can hold megabytes of matching state); V8's compiled code for a pattern grows with its length.
const cache = new BoundedMemo<CompileResult>({ maxBytes: 256 * 1024, maxEntries: 64, entryBytes: 1024 });

/** Compiles `pattern` like ap_pregcomp. */
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
  let regex: RegExp;
  try {
    regex = new RegExp(translation.source, translation.caseInsensitive ? 'si' : 's');
  } catch (err) {
    return { ok: false, message: `Failed to compile regular expression: ${excerpt((err as Error).message)}` };
  }
  const re2 = compileRe2(translation.source, translation.caseInsensitive);
  if (re2)
    return { ok: true, regex: { pattern, groupCount: re2.groupCount(), engine: { kind: 'linear', re2 } } };
  // A trailing empty alternative always matches, so its exec() result length reveals the group count.
  const groupCount = (new RegExp(`${translation.source}|`, 's').exec('')?.length ?? 1) - 1;
  return { ok: true, regex: { pattern, groupCount, engine: { kind: 'backtracking', regex } } };
}

/** The RE2 program for a translated pattern, or null when RE2 cannot express it (the caller backtracks). */
function compileRe2(jsSource: string, caseInsensitive: boolean): RE2JS | null {
  const source = toRe2Source(jsSource);
  if (source === null) return null;
  const flags = RE2JS.DOTALL | RE2JS.LOOKBEHINDS | (caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  try {
    return RE2JS.compile(source, flags);
  } catch {
    return null;
  }
}

/** Runs the regex like ap_regexec: the captures on a match, null otherwise. */
export function execByteRegex(compiled: ByteRegex, subject: ByteString): ExecResult {
  const text = toRegexAlphabet(subject);
  const { engine } = compiled;
  let match: RegExpExecArray | unknown[] | null;
  if (engine.kind === 'linear') {
    // The DFA answers "is there a match" fastest; captures need the slower NFA, so only run it on a match.
    match = engine.re2.test(text) ? engine.re2.exec(text) : null;
  } else {
    const budgeted = execWithBudget(engine.regex, text);
    if (!budgeted.ok) return { ok: false, message: matchLimitMessage(compiled.pattern) };
    match = budgeted.match;
  }
  if (!match) return { ok: true, match: null };
  const size = Math.min(compiled.groupCount + 1, MAX_CAPTURES);
  const captures: RegexMatch = [];
  for (let i = 0; i < size; i++) {
    const value = match[i];
    captures.push(typeof value === 'string' ? fromRegexAlphabet(value) : undefined);
  }
  return { ok: true, match: captures };
}

/** Whether the regex matches, without captures (an ap_expr regex with no groups never touches $0..$9). */
export function testByteRegex(compiled: ByteRegex, subject: ByteString): TestResult {
  const { engine } = compiled;
  if (engine.kind === 'linear') return { ok: true, matched: engine.re2.test(toRegexAlphabet(subject)) };
  const result = execByteRegex(compiled, subject);
  return result.ok ? { ok: true, matched: result.match !== null } : result;
}
