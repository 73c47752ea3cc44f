// Regex matching has bounded cost: RE2 runs the patterns that backtrack catastrophically in PCRE/irregexp, and the
// few patterns RE2 cannot express (backreferences, lookahead) stop at a budget with a diagnostic.

import { parseExpression, evaluateExpression } from '../../../../src/ssi/expr';
import { compileByteRegex, execByteRegex } from '../../../../src/ssi/expr/byte-regex';
import { fromRegexAlphabet, toRegexAlphabet } from '../../../../src/ssi/expr/byte-alphabet';
import { translatePcre } from '../../../../src/ssi/expr/pcre-to-js';
import { fakeHost } from './fake-host';
import { execRegex } from './regex-helpers';

/** The findings: each blocked the event loop for 23–120 s under irregexp. */
const CATASTROPHIC: ReadonlyArray<readonly [string, string, Array<string | undefined> | null]> = [
  ['^([a-z0-9]+[-_]?){1,30}$', 'a'.repeat(31) + '!', null],
  ['^(a|a)*$', 'a'.repeat(28) + 'b', null],
  ['^(a*){30}$', 'a'.repeat(21) + 'b', null],
  ['^(a*){30}$', 'a'.repeat(21), ['a'.repeat(21), '']],
  ['^(a+)+b$', 'a'.repeat(40), null],
  ['^([a-z0-9]+[-_]?){1,30}$', 'ab-cd_ef', ['ab-cd_ef', 'ef']],
];

describe('catastrophic patterns › run in linear time with the right answer', () => {
  it.each(CATASTROPHIC)('/%s/ on %j', (pattern, subject, expected) => {
    const compiled = compileByteRegex(pattern, false);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.regex.engine.kind).toBe('linear');
    expect(execByteRegex(compiled.regex, subject)).toEqual({ ok: true, match: expected });
  });
});

/** Ordinary patterns: RE2's answer must equal irregexp's (the engine used before), captures included. */
const ORDINARY: ReadonlyArray<readonly [string, string]> = [
  ['^id=([0-9]+)', 'id=42&x=1'],
  ['([a-z]+)=([^&]*)', 'q=cats&page=2'],
  ['^/(.*)\\.shtml$', '/dir/page.shtml'],
  ['^(?:www\\.)?(example)\\.(com|org)$', 'www.example.org'],
  ['(a|ab)(c|bcd)(d*)', 'abcd'],
  ['(a+?)(a*)', 'aaaa'],
  ['^(\\w+)\\s+(\\S+)', 'hello \x0bworld'],
  ['(?<year>\\d{4})-(?<month>\\d{2})', 'on 2024-05-01'],
  ['[^\\s]+$', 'a b\tc'],
  ['\\bfoo\\b', 'a foo.'],
  ['(x)?(y)?z', 'yz'],
  ['(1)(2)(3)(4)(5)(6)(7)(8)(9)(10)(11)', '1234567891011'],
  ['MOZILLA', 'Mozilla/5.0'],
  ['[\\x{e9}-\\x{ff}]+', 'caf\xe9\xff!'],
  ['(?<=a)b', 'ab'],
];

describe('ordinary patterns › RE2 gives the same $0..$9 as irregexp', () => {
  it.each(ORDINARY)('/%s/ on %j', (pattern, subject) => {
    const caseInsensitive = pattern === 'MOZILLA';
    const compiled = compileByteRegex(pattern, caseInsensitive);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.regex.engine.kind).toBe('linear');
    const reference = compileBacktracking(pattern, caseInsensitive, subject);
    expect(execByteRegex(compiled.regex, subject)).toEqual({ ok: true, match: reference });
  });
});

/** What irregexp (the engine used before) gives for the same translated pattern, $0..$9. */
function compileBacktracking(pattern: string, caseInsensitive: boolean, subject: string): unknown {
  const translation = translatePcre(pattern, caseInsensitive);
  if (!translation.ok) throw new Error(translation.message);
  const flags = translation.caseInsensitive ? 'si' : 's';
  const match = new RegExp(translation.source, flags).exec(toRegexAlphabet(subject));
  if (match === null) return null;
  return [...match].slice(0, 10).map((value) => (value === undefined ? undefined : fromRegexAlphabet(value)));
}

describe('patterns RE2 cannot express › backtrack under a budget', () => {
  it('a backreference › still matches with its captures', () => {
    const compiled = compileByteRegex('^(\\w+)-\\1$', false);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.regex.engine.kind).toBe('backtracking');
    expect(execByteRegex(compiled.regex, 'ab-ab')).toEqual({ ok: true, match: ['ab-ab', 'ab'] });
  });

  it('a catastrophic backreference pattern › stops with the match-limit diagnostic', () => {
    expect(execRegex('^(a|a)*\\1$', false, 'a'.repeat(40) + 'b')).toEqual({
      ok: false,
      message: expect.stringMatching(/^Regular expression match limit exceeded/),
    });
  });

  it.each(['ap-expr', 'legacy'] as const)('in a %s condition › a runtime error, not a verdict', (syntax) => {
    // The legacy parser takes one level of backslashes off the pattern, so it needs \\1 for \1.
    const subject = 'a'.repeat(40) + 'b';
    const source = syntax === 'ap-expr' ? `'${subject}' =~ /^(a|a)*\\1$/` : `${subject} = /^(a|a)*\\\\1$/`;
    const parsed = parseExpression(source, syntax);
    if (!parsed.ok) throw new Error(parsed.message);
    const result = evaluateExpression(parsed.expression, fakeHost());
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/match limit exceeded/) });
  });
});
