// Evaluates a legacy (2.2) SSI expression tree like the second half of mod_include's parse_expr(). Pure apart
// from host calls. Each string/regex operand is substituted (ap_ssi_parse_string) when evaluation reaches it,
// `&&`/`||` short-circuit left to right — but not while any regex in the expression is still unevaluated — and
// malformed subtrees are errors only if evaluation reaches them, exactly as in Apache.

import type { ByteString } from '../byte-string';
import { substituteVariables } from '../substitute';
import { compileByteRegex, execByteRegex, type RegexMatch } from './byte-regex';
import { compareBytes } from './c-strings';
import type { LegacyNode } from './legacy-parser';
import type { EvaluationResult, ExpressionHost } from './types';
import { excerpt } from '../excerpt';

class LegacyEvaluationError extends Error {}

interface Context {
  readonly host: ExpressionHost;
  readonly source: ByteString;
  /** Regexes not yet evaluated (parse_expr's `regex` counter): short-circuiting waits until it is 0. */
  pendingRegexes: number;
  /** $0..$9 set by a regex earlier in THIS evaluation; undefined: ask the host. */
  captures?: RegexMatch | null;
}

/**
 * Evaluates a legacy tree; a null root (empty expression) is false without error. Never throws.
 * @example evaluateLegacyExpression(tree, 1, host)
 */
export function evaluateLegacyExpression(
  root: LegacyNode | null,
  regexCount: number,
  host: ExpressionHost,
  source: ByteString = '',
): EvaluationResult {
  if (!root) return { ok: true, value: false };
  const ctx: Context = { host, source, pendingRegexes: regexCount };
  try {
    return { ok: true, value: evalNode(ctx, root) };
  } catch (err) {
    if (err instanceof LegacyEvaluationError) return { ok: false, message: err.message };
    throw err;
  }
}

function fail(ctx: Context, why: string): never {
  throw new LegacyEvaluationError(`${why} in "${excerpt(ctx.source)}"`);
}

/** ap_ssi_parse_string(…, SSI_EXPAND_DROP_NAME): undefined variables become ""; the result is a C string. */
function substitute(ctx: Context, text: ByteString): ByteString {
  return substituteVariables(text, (name) => {
    if (ctx.captures !== undefined && /^[0-9]$/.test(name)) return ctx.captures?.[Number(name)];
    return ctx.host.variable(name);
  }).value.replace(/\0[\s\S]*$/, '');
}

function evalNode(ctx: Context, node: LegacyNode): boolean {
  switch (node.type) {
    case 'string':
      return substitute(ctx, node.value) !== '';
    case 'and':
    case 'or':
      return evalJunction(ctx, node);
    case 'eq':
    case 'ne':
      return evalEquality(ctx, node);
    case 'ge':
    case 'gt':
    case 'le':
    case 'lt':
      return evalOrdering(ctx, node);
    case 'not':
    case 'group': {
      const value = node.right ? evalNode(ctx, node.right) : true;
      return node.type === 'not' ? !value : value;
    }
    case 'access': {
      const target = node.right;
      if (node.left || !target || (target.type !== 'string' && target.type !== 're')) {
        fail(ctx, "Invalid expression: Token '-A' must be followed by a URI string.");
      }
      return ctx.host.isUrlAccessible(substitute(ctx, target.value));
    }
    case 're':
      return fail(ctx, 'No operator before regex');
    case 'lbrace':
      return fail(ctx, "Unmatched '('");
    default:
      return fail(ctx, 'internal parser error');
  }
}

function evalJunction(ctx: Context, node: LegacyNode): boolean {
  const { left, right } = node;
  if (!left || !right) return fail(ctx, 'Invalid expression');
  const leftValue = evalNode(ctx, left);
  const decided = node.type === 'and' ? !leftValue : leftValue;
  if (decided && ctx.pendingRegexes === 0) return leftValue;
  const rightValue = evalNode(ctx, right);
  return node.type === 'and' ? leftValue && rightValue : leftValue || rightValue;
}

function evalEquality(ctx: Context, node: LegacyNode): boolean {
  const { left, right } = node;
  if (!left || !right || left.type !== 'string' || (right.type !== 'string' && right.type !== 're')) {
    return fail(ctx, 'Invalid expression');
  }
  const subject = substitute(ctx, left.value);
  const pattern = substitute(ctx, right.value);
  let equal: boolean;
  if (right.type === 're') {
    equal = checkRegex(ctx, subject, pattern);
    ctx.pendingRegexes--;
  } else {
    equal = subject === pattern;
  }
  return node.type === 'ne' ? !equal : equal;
}

/**
 * re_check(): every compiled regex (groups or not) replaces $0..$9, cleared on no match. A pattern that does
 * not compile leaves them alone and yields -1, which is TRUE for `=` and false for `!=` (an Apache quirk).
 */
function checkRegex(ctx: Context, subject: ByteString, pattern: ByteString): boolean {
  const compiled = compileByteRegex(pattern, false);
  if (!compiled.ok) return true;
  const result = execByteRegex(compiled.regex, subject);
  if (!result.ok) fail(ctx, result.message);
  ctx.captures = result.match;
  ctx.host.setCaptures(result.match);
  return result.match !== null;
}

function evalOrdering(ctx: Context, node: LegacyNode): boolean {
  const { left, right } = node;
  if (!left || !right || left.type !== 'string' || right.type !== 'string')
    return fail(ctx, 'Invalid expression');
  const order = compareBytes(substitute(ctx, left.value), substitute(ctx, right.value));
  switch (node.type) {
    case 'ge':
      return order >= 0;
    case 'gt':
      return order > 0;
    case 'le':
      return order <= 0;
    default:
      return order < 0;
  }
}
