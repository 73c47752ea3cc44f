// Runs the expression table observed on a real Apache 2.4 (apache-verified.ts) through our parser/evaluator.

import { evaluateExpression, parseExpression, type ExpressionSyntax } from '../../../../src/ssi/expr';
import { APACHE_DIFFERENCES, APACHE_VERIFIED, type Outcome } from './apache-verified';
import { verifiedHost } from './fake-host';

function outcome(source: string, syntax: ExpressionSyntax): Outcome {
  const parsed = parseExpression(source, syntax);
  if (!parsed.ok) return 'ERR';
  const result = evaluateExpression(parsed.expression, verifiedHost());
  if (!result.ok) return 'ERR';
  return result.value ? 'T' : 'F';
}

describe('expressions observed on Apache httpd 2.4.71', () => {
  it.each(APACHE_VERIFIED)('%s: %s › %s', (syntax, source, expected) => {
    expect(outcome(source, syntax)).toBe(expected);
  });
});

describe('documented differences from Apache', () => {
  it.each(APACHE_DIFFERENCES)('%s: %s › Apache %s, ours %s (%s)', (syntax, source, _apache, ours) => {
    expect(outcome(source, syntax)).toBe(ours);
  });
});
