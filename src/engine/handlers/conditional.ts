// <!--#if expr="…" -->, <!--#elif expr="…" -->, <!--#else -->, <!--#endif -->
// Apache's state machine exactly (mod_include handle_if … handle_endif), quirks included; see SPEC A.9.

import { evaluateExpression } from '../../ssi/expr';
import { createExpressionHost, parseCached } from '../expression-host';
import { DirectiveCall } from '../render-state';

/** Opens a conditional; inside a branch that is not printing it is only counted. */
export function handleIf(call: DirectiveCall): void {
  const { frame } = call;
  if (!frame.printing) {
    frame.skippedIfs++;
    return;
  }
  const value = evaluateCondition(call, false);
  if (value === undefined) return;
  frame.printing = frame.conditionTrue = value;
  frame.skippedIfs = 0;
}

/** Takes this branch if no earlier one was; its argument errors print even outside a printing branch. */
export function handleElif(call: DirectiveCall): void {
  const { frame, attributes } = call;
  if (frame.skippedIfs > 0) return;
  if (frame.conditionTrue && attributes.length === 1 && attributes[0].name === 'expr' && attributes[0].value !== null) {
    // A branch was taken: the expression is not even evaluated, so its errors stay silent.
    frame.printing = false;
    return;
  }
  const value = evaluateCondition(call, true);
  if (value === undefined) return;
  frame.printing = frame.conditionTrue = value;
}

/** Flips to the else branch. */
export function handleElse({ attributes, line, frame, render }: DirectiveCall): void {
  if (frame.skippedIfs > 0) return;
  if (attributes.length > 0) return render.fail(frame, line, 'unknown-attribute', 'else takes no attributes');
  if (frame.conditionTrue) frame.printing = false;
  else frame.printing = frame.conditionTrue = true;
}

/** Closes a conditional; with attributes it is an error and the conditional stays open. */
export function handleEndif({ attributes, line, frame, render }: DirectiveCall): void {
  if (frame.skippedIfs > 0) {
    frame.skippedIfs--;
    return;
  }
  if (attributes.length > 0) return render.fail(frame, line, 'unknown-attribute', 'endif takes no attributes', true);
  frame.printing = frame.conditionTrue = true;
}

/** Checks the single `expr` attribute and evaluates it; undefined (after printing the error text) when it cannot. */
function evaluateCondition({ name, attributes, line, frame, render }: DirectiveCall, always: boolean): boolean | undefined {
  if (attributes.length !== 1) {
    render.fail(frame, line, 'missing-argument', `${name} needs exactly one attribute, expr="…"`, always);
    return undefined;
  }
  const [{ name: attribute, value }] = attributes;
  if (attribute !== 'expr') {
    render.fail(frame, line, 'unknown-attribute', `${name} does not take "${attribute}"`, always);
    return undefined;
  }
  if (value === null) {
    render.fail(frame, line, 'missing-argument', `${name} needs a value for expr`, always);
    return undefined;
  }
  const parsed = parseCached(value, frame.syntax);
  const result = parsed.ok ? evaluateExpression(parsed.expression, createExpressionHost(render, frame)) : parsed;
  if (!result.ok) {
    render.fail(frame, line, 'expression-error', `${name} expr="${value}": ${result.message}`, always);
    return undefined;
  }
  return result.value;
}
