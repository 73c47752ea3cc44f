// Public API of SSI `#if`/`#elif` expressions: parse once (cacheable per page), evaluate per request.
// Pure: every request-dependent read goes through the ExpressionHost the engine passes in.

import type { ByteString } from '../byte-string';
import { evaluateApExpression } from './ap-evaluator';
import { ApParseError, parseApExpression } from './ap-parser';
import { evaluateLegacyExpression } from './legacy-evaluator';
import { parseLegacyExpression } from './legacy-parser';
import type {
  EvaluationResult,
  ExpressionHost,
  ExpressionSyntax,
  ParsedExpression,
  ParseResult,
} from './types';
import { excerpt } from '../excerpt';

export type {
  EvaluationResult,
  ExpressionHost,
  ExpressionSyntax,
  ParsedExpression,
  ParseResult,
} from './types';

/**
 * Parses the `expr` attribute of `#if`/`#elif`; never throws. Under ap-expr an empty or malformed expression,
 * an unknown name or a restricted operator is `{ ok: false }`; under legacy an empty one parses (and is false).
 * @example parseExpression("v('x') == 'y'", 'ap-expr')
 */
export function parseExpression(source: ByteString, syntax: ExpressionSyntax): ParseResult {
  try {
    if (syntax === 'legacy') {
      const parsed = parseLegacyExpression(source);
      if (!parsed.ok) return parsed;
      const expression: ParsedExpression = {
        syntax: 'legacy',
        root: parsed.root,
        regexCount: parsed.regexCount,
        source,
      };
      return { ok: true, expression };
    }
    return { ok: true, expression: { syntax: 'ap-expr', root: parseApExpression(source) } };
  } catch (err) {
    if (err instanceof ApParseError)
      return { ok: false, message: `Could not parse expr "${excerpt(source)}": ${err.message}` };
    return { ok: false, message: `Could not parse expr "${excerpt(source)}": ${(err as Error).message}` };
  }
}

/**
 * Evaluates a parsed expression; never throws. Regexes report $0..$9 to `host.setCaptures` like mod_include;
 * a runtime error (`{ ok: false }`) is handled by the caller like a parse error (errmsg, if-state unchanged).
 * @example evaluateExpression(parsed.expression, host)
 */
export function evaluateExpression(expression: ParsedExpression, host: ExpressionHost): EvaluationResult {
  try {
    if (expression.syntax === 'legacy') {
      return evaluateLegacyExpression(expression.root, expression.regexCount, host, expression.source);
    }
    return evaluateApExpression(expression.root, host);
  } catch (err) {
    return { ok: false, message: `Could not evaluate expr: ${(err as Error).message}` };
  }
}
