// Evaluates a parsed ap_expr against an ExpressionHost, following server/util_expr_eval.c. Pure apart from
// the host calls it makes. Keeps Apache's evaluation order (it decides which headers are read, hence Vary)
// and its recursion limit (AP_EXPR_MAX_RECURSION = 20 nested word/expression evaluations → runtime error).

import type { ByteString } from '../byte-string';
import type { ApCondition, ApWord, ComparisonOperator } from './ap-ast';
import { applyPureFunction } from './ap-functions';
import { execByteRegex, testByteRegex, type ByteRegex, type RegexMatch } from './byte-regex';
import { cString, compareBytes, parseInt64 } from './c-strings';
import { globMatch } from './glob-match';
import { isInSubnet, type IpSubnet } from './ip-subnet';
import type { EvaluationResult, ExpressionHost } from './types';

const MAX_RECURSION = 20;

interface Context {
  readonly host: ExpressionHost;
  depth: number;
  error?: string;
  /** Captures set by a regex earlier in THIS evaluation (null: it did not match); undefined: ask the host. */
  captures?: RegexMatch | null;
}

/**
 * Evaluates an ap_expr condition; never throws.
 * @example evaluateApExpression(parseApExpression("-n v('x')"), host)
 */
export function evaluateApExpression(root: ApCondition, host: ExpressionHost): EvaluationResult {
  const ctx: Context = { host, depth: 0 };
  const value = evalCondition(ctx, root);
  if (ctx.error !== undefined) return { ok: false, message: ctx.error };
  return { ok: true, value };
}

/** inc_rec(): true when the limit is (or was already) reached; the error then short-circuits everything. */
function enter(ctx: Context): boolean {
  if (ctx.error !== undefined) return true;
  if (ctx.depth < MAX_RECURSION) {
    ctx.depth++;
    return false;
  }
  ctx.error = 'Recursion limit reached';
  return true;
}

/** ap_expr_eval(): NOT, and the right spines of AND/OR, are walked in a loop (no extra depth), like Apache. */
function evalCondition(ctx: Context, start: ApCondition): boolean {
  if (enter(ctx)) return false;
  let node = start;
  let negated = false;
  for (;;) {
    if (node.kind === 'not') {
      negated = !negated;
      node = node.operand;
      continue;
    }
    if (node.kind === 'and' || node.kind === 'or') {
      const stopOn = node.kind === 'or';
      let current: ApCondition = node;
      let decided = false;
      while (current.kind === node.kind) {
        const left: ApCondition = current.left;
        const leftValue = left.kind === 'not' ? !evalCondition(ctx, left.operand) : evalCondition(ctx, left);
        if (leftValue === stopOn) {
          decided = true;
          break;
        }
        current = current.right;
      }
      if (decided) {
        ctx.depth--;
        return stopOn !== negated;
      }
      node = current;
      continue;
    }
    const value = evalLeaf(ctx, node);
    ctx.depth--;
    return value !== negated;
  }
}

function evalLeaf(ctx: Context, node: ApCondition): boolean {
  switch (node.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'compare':
      return compare(node.operator, evalWord(ctx, node.left), evalWord(ctx, node.right));
    case 'in': {
      const needle = evalWord(ctx, node.needle);
      return node.items.some((item) => evalWord(ctx, item) === needle);
    }
    case 'regex':
      return evalRegex(ctx, node.subject, node.regex) !== node.negate;
    case 'unary':
      return evalUnary(ctx, node.operator, evalWord(ctx, node.argument), node.subnet);
    case 'binary': {
      const left = evalWord(ctx, node.left);
      const right = evalWord(ctx, node.right);
      if (node.operator === 'ipmatch') return node.subnet !== undefined && isInSubnet(node.subnet, left);
      return globMatch(right, left, {
        pathname: node.operator === 'fnmatch',
        caseBlind: node.operator === 'strcmatch',
      });
    }
    default:
      return false;
  }
}

function compare(operator: ComparisonOperator, left: ByteString, right: ByteString): boolean {
  const order = operator.startsWith('int-')
    ? Number(parseInt64(left) - parseInt64(right) > 0n) - Number(parseInt64(left) - parseInt64(right) < 0n)
    : compareBytes(left, right);
  switch (operator.slice(4)) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    case 'gt':
      return order > 0;
    default:
      return order >= 0;
  }
}

/**
 * op_REG/op_NRE: only a regex WITH capture groups touches $0..$9 ("$0 ... $9 may contain stuff the user wants
 * to keep"); a failed match then clears them (re_source = NULL). A match over its budget is a runtime error.
 */
function evalRegex(ctx: Context, subject: ApWord, regex: ByteRegex): boolean {
  const word = evalWord(ctx, subject);
  if (ctx.error !== undefined) return false;
  if (regex.groupCount === 0) {
    const tested = testByteRegex(regex, word);
    if (!tested.ok) ctx.error = tested.message;
    return tested.ok && tested.matched;
  }
  const result = execByteRegex(regex, word);
  if (!result.ok) {
    ctx.error = result.message;
    return false;
  }
  ctx.captures = result.match;
  ctx.host.setCaptures(result.match);
  return result.match !== null;
}

/** op_T: false for "", "0", and (case-blind) "off", "no", "false". */
function isTrueString(value: ByteString): boolean {
  return !(value === '' || value === '0' || /^(off|no|false)$/i.test(value));
}

function evalUnary(
  ctx: Context,
  operator: string,
  argument: ByteString,
  subnet: IpSubnet | undefined,
): boolean {
  if (ctx.error !== undefined) return false;
  switch (operator) {
    case 'n':
      return argument !== '';
    case 'z':
      return argument === '';
    case 'T':
      return isTrueString(argument);
    case 'R':
      return subnet !== undefined && isInSubnet(subnet, ctx.host.remoteAddress());
    case 'F':
      return ctx.host.isFileAccessible?.(argument) ?? false;
    default:
      return ctx.host.isUrlAccessible(argument);
  }
}

/** ap_expr_eval_word(); concatenation chains are flattened in one level, as Apache does. */
function evalWord(ctx: Context, node: ApWord): ByteString {
  if (enter(ctx)) return '';
  const value = cString(wordValue(ctx, node));
  ctx.depth--;
  return value;
}

function wordValue(ctx: Context, node: ApWord): ByteString {
  const host = ctx.host;
  switch (node.kind) {
    case 'string':
    case 'digit':
      return node.value;
    case 'concat':
      return concatChain(node)
        .map((part) => evalWord(ctx, part))
        .join('');
    case 'server-variable':
      return host.serverVariable(node.name);
    case 'header-variable':
      return host.requestHeader(node.header, { vary: true }) ?? '';
    case 'backref':
      if (ctx.captures !== undefined) return ctx.captures?.[node.index] ?? '';
      return (host.backReference ? host.backReference(node.index) : host.variable(String(node.index))) ?? '';
    case 'call':
      return callFunction(ctx, node.name, evalWord(ctx, node.argument));
  }
}

/** The pieces Apache's op_Concat evaluates at one level: a left- or right-leaning chain, or the two sides. */
function concatChain(node: ApWord & { kind: 'concat' }): ApWord[] {
  if (node.left.kind === 'concat') {
    const parts: ApWord[] = [];
    let current: ApWord = node;
    while (current.kind === 'concat') {
      parts.unshift(current.right);
      current = current.left;
    }
    return [current, ...parts];
  }
  const parts: ApWord[] = [];
  let current: ApWord = node;
  while (current.kind === 'concat') {
    parts.push(current.left);
    current = current.right;
  }
  return [...parts, current];
}

function callFunction(ctx: Context, name: string, argument: ByteString): ByteString {
  if (ctx.error !== undefined) return '';
  const host = ctx.host;
  switch (name) {
    case 'v':
    case 'reqenv':
      return host.variable(argument) ?? '';
    case 'env':
      // mod_include keeps the legacy env() order: request notes, then SSI variables, then the OS environment.
      return host.note(argument) ?? host.variable(argument) ?? host.osEnvironment(argument) ?? '';
    case 'note':
      return host.note(argument) ?? '';
    case 'osenv':
      return host.osEnvironment(argument) ?? '';
    case 'req':
    case 'http':
      // Apache skips 'Vary: Host' (RFC 7231 §7.1.4); the engine applies that rule when it records Vary.
      return host.requestHeader(argument, { vary: true }) ?? '';
    case 'req_novary':
      return host.requestHeader(argument, { vary: false }) ?? '';
    case 'resp':
      return host.responseHeader(argument) ?? '';
    default:
      return applyPureFunction(name as Parameters<typeof applyPureFunction>[0], argument);
  }
}
