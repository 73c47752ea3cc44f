// Builds the parse tree of a legacy (2.2) SSI expression the way mod_include's parse_expr() does. Pure: no I/O.
// The tree is built token by token around a "current" node; `&&` and `||` share one precedence and group to
// the RIGHT; some malformed trees are only rejected when evaluation reaches them (legacy-evaluator.ts).

import type { ByteString } from '../byte-string';
import { readLegacyToken, type LegacyTokenType } from './legacy-tokenizer';
import { excerpt } from '../excerpt';

/** A node of the legacy parse tree (mod_include's parse_node_t without the evaluation state). */
export interface LegacyNode {
  type: LegacyTokenType;
  /** Raw text of a string or regex (before substitution). */
  value: ByteString;
  parent?: LegacyNode;
  left?: LegacyNode;
  right?: LegacyNode;
}

/** The tree, or the parse error Apache logs as "Invalid expression" / "Unmatched ')'". */
export type LegacyParseResult =
  { ok: true; root: LegacyNode | null; regexCount: number } | { ok: false; message: string };

const FIRST_TOKENS: readonly LegacyTokenType[] = ['string', 'not', 'access', 'lbrace'];
const COMPARISONS: readonly LegacyTokenType[] = ['eq', 'ne', 'ge', 'gt', 'le', 'lt'];

/**
 * Parses a legacy expression; an empty one gives a null root (false, no error).
 * @example parseLegacyExpression('$a = b && $c = d')
 */
export function parseLegacyExpression(source: ByteString): LegacyParseResult {
  let root: LegacyNode | null = null;
  let current: LegacyNode | null = null;
  let regexCount = 0;
  let pos = 0;
  for (;;) {
    const read = readLegacyToken(source, pos, current?.type);
    if (!read) break;
    pos = read.next;
    const node: LegacyNode = { type: read.token.type, value: read.token.value };
    if (!current || !root) {
      if (!FIRST_TOKENS.includes(node.type)) return invalid(source);
      root = current = node;
      continue;
    }
    const step = attach(root, current, node);
    if (!step.ok)
      return step.error === 'rbrace'
        ? { ok: false, message: `Unmatched ')' in "${excerpt(source)}"` }
        : invalid(source);
    root = step.root;
    current = step.current;
    if (node.type === 're') regexCount++;
  }
  return { ok: true, root, regexCount };
}

function invalid(source: ByteString): LegacyParseResult {
  return { ok: false, message: `Invalid expression "${excerpt(source)}"` };
}

type Step = { ok: true; root: LegacyNode; current: LegacyNode } | { ok: false; error: 'invalid' | 'rbrace' };

function setRight(parent: LegacyNode, child: LegacyNode): void {
  parent.right = child;
  child.parent = parent;
}

/** The parse_expr() switch: where the new node goes, given the current node. */
function attach(root: LegacyNode, current: LegacyNode, node: LegacyNode): Step {
  const fail: Step = { ok: false, error: 'invalid' };
  switch (node.type) {
    case 'string':
      if (current.type === 'string') {
        // Adjacent strings join with one space (none after an empty first part), before substitution.
        current.value = current.value + (current.value !== '' ? ' ' : '') + node.value;
        return { ok: true, root, current };
      }
      if (current.type === 're' || current.type === 'rbrace' || current.type === 'group') return fail;
      setRight(current, node);
      return { ok: true, root, current: node };
    case 're':
      if (current.type !== 'eq' && current.type !== 'ne') return fail;
      setRight(current, node);
      return { ok: true, root, current: node };
    case 'and':
    case 'or':
      return attachJunction(root, current, node);
    case 'rbrace': {
      let open: LegacyNode | undefined = current;
      while (open && open.type !== 'lbrace') open = open.parent;
      if (!open) return { ok: false, error: 'rbrace' };
      open.type = 'group';
      return { ok: true, root, current: open };
    }
    case 'not':
    case 'access':
    case 'lbrace':
      if (
        current.type === 'string' ||
        current.type === 're' ||
        current.type === 'rbrace' ||
        current.type === 'group'
      ) {
        return fail;
      }
      setRight(current, node);
      return { ok: true, root, current: node };
    default:
      return COMPARISONS.includes(node.type) ? attachComparison(root, current, node) : fail;
  }
}

/** `&&`/`||`: take over the right side of the nearest enclosing `&&`/`||`/`(`, or the whole tree. */
function attachJunction(root: LegacyNode, current: LegacyNode, node: LegacyNode): Step {
  if (current.type !== 'string' && current.type !== 're' && current.type !== 'group')
    return { ok: false, error: 'invalid' };
  let anchor = current.parent;
  while (anchor && anchor.type !== 'and' && anchor.type !== 'or' && anchor.type !== 'lbrace')
    anchor = anchor.parent;
  if (!anchor) {
    node.left = root;
    root.parent = node;
    return { ok: true, root: node, current: node };
  }
  const taken = anchor.right;
  if (!taken) return { ok: false, error: 'invalid' };
  node.left = taken;
  taken.parent = node;
  setRight(anchor, node);
  return { ok: true, root, current: node };
}

/** `= != < <= > >=`: only right after a string whose parent is none, `(`, `&&` or `||` (no chaining). */
function attachComparison(root: LegacyNode, current: LegacyNode, node: LegacyNode): Step {
  if (current.type !== 'string') return { ok: false, error: 'invalid' };
  const parent = current.parent;
  if (!parent) {
    node.left = root;
    root.parent = node;
    return { ok: true, root: node, current: node };
  }
  if (parent.type !== 'lbrace' && parent.type !== 'and' && parent.type !== 'or')
    return { ok: false, error: 'invalid' };
  const taken = parent.right;
  if (!taken) return { ok: false, error: 'invalid' };
  node.left = taken;
  taken.parent = node;
  setRight(parent, node);
  return { ok: true, root, current: node };
}
