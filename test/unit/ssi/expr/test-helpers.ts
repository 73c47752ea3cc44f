// Parse-then-evaluate helpers shared by the expression tests. Pure: no I/O.

import {
  evaluateExpression,
  parseExpression,
  type EvaluationResult,
  type ExpressionSyntax,
} from '../../../../src/ssi/expr';
import { fakeHost, type FakeHost, type FakeHostOptions } from './fake-host';

/** Parses and evaluates `source`; a parse failure is reported as an evaluation failure. */
export function run(source: string, syntax: ExpressionSyntax, host: FakeHost = fakeHost()): EvaluationResult {
  const parsed = parseExpression(source, syntax);
  return parsed.ok ? evaluateExpression(parsed.expression, host) : parsed;
}

/** 'T', 'F' or 'ERR' for a table row. */
export function outcomeOf(
  source: string,
  syntax: ExpressionSyntax,
  options: FakeHostOptions = {},
): 'T' | 'F' | 'ERR' {
  const result = run(source, syntax, fakeHost(options));
  if (!result.ok) return 'ERR';
  return result.value ? 'T' : 'F';
}
