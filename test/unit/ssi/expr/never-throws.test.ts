// Property: parse and evaluate never throw and finish fast, whatever the input (fast-check, fixed seed).

import fc from 'fast-check';
import { evaluateExpression, parseExpression, type ExpressionSyntax } from '../../../../src/ssi/expr';
import { workOf } from '../../../support/work-meter';
import { fakeHost } from './fake-host';

const PIECES = [
  ' ',
  "'",
  '"',
  '(',
  ')',
  '{',
  '}',
  ',',
  '!',
  '=',
  '==',
  '!=',
  '<',
  '>=',
  '=~',
  '!~',
  '&&',
  '||',
  'and',
  'or',
  'not',
  '.',
  '-n',
  '-z',
  '-T',
  '-R',
  '-A',
  '-F',
  '-U',
  '-e',
  '-eq',
  '-lt',
  '-in',
  'in',
  '-strmatch',
  '-ipmatch',
  'true',
  'false',
  '1',
  '-1',
  'a',
  'm#',
  '/',
  '/(a)/',
  '/x/i',
  '$1',
  '$x',
  '${x}',
  '%{',
  '%{QUERY_STRING}',
  '%{tolower:A}',
  'v(',
  'req(',
  'md5(',
  'unbase64(',
  '\\',
  '\\(',
  '\\0',
  '\\777',
  '[',
  ']',
  '*',
  '?',
  '+',
  '\n',
  '\xe9',
  '\0',
];

const expressionText = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 60 }),
  fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

function check(source: string, syntax: ExpressionSyntax): void {
  const host = fakeHost({
    variables: { x: 'foo(bar)', a: 'a && b' },
    serverVariables: { QUERY_STRING: 'id=42' },
  });
  const parsed = parseExpression(source, syntax);
  if (parsed.ok) {
    const result = evaluateExpression(parsed.expression, host);
    expect(typeof result.ok).toBe('boolean');
  } else {
    expect(typeof parsed.message).toBe('string');
  }
}

describe.each(['ap-expr', 'legacy'] as const)('%s on random input', (syntax) => {
  it('parse and evaluate › never throw', () => {
    fc.assert(
      fc.property(expressionText, (source) => check(source, syntax)),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe('hostile but valid input', () => {
  it('a regex over a 1 MB subject › no match (its time is bounded in the hostile suite)', () => {
    const host = fakeHost({ variables: { big: 'a'.repeat(1 << 20) + '!' } });
    const parsed = parseExpression("v('big') =~ /^(a|b)*c/", 'ap-expr');
    expect(parsed.ok && evaluateExpression(parsed.expression, host)).toEqual({ ok: true, value: false });
  });

  it('a regex over a subject twice as long › at most 2.2 times the characters read (linear engine)', () => {
    const parsed = parseExpression("v('big') =~ /^(a|b)*c/", 'ap-expr');
    const workFor = (length: number) => {
      const host = fakeHost({ variables: { big: 'a'.repeat(length) + '!' } });
      let result: unknown;
      const work = workOf(() => (result = parsed.ok && evaluateExpression(parsed.expression, host)));
      expect(result).toEqual({ ok: true, value: false });
      return work;
    };
    const single = workFor(64 * 1024);
    expect(single).toBeGreaterThan(64 * 1024);
    expect(workFor(128 * 1024) / single).toBeLessThanOrEqual(2.2);
  });

  it('a 100 kB expression › parses without deep recursion', () => {
    expect(parseExpression(Array(10000).fill("'a' == 'a'").join(' || '), 'ap-expr').ok).toBe(true);
    expect(parseExpression(Array(10000).fill('a = a').join(' || '), 'legacy').ok).toBe(true);
  });
});
