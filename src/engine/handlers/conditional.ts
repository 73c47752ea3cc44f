// <!--#if expr="…" -->, <!--#elif expr="…" -->, <!--#else -->, <!--#endif -->
// Apache's state machine as the shipped httpd 2.4 binary runs it (mod_include handle_if … handle_endif), quirks
// included. The binary differs from the 2.4.x source (modules/filters/mod_include.c): a failed if/elif clears PRINTING and
// COND_TRUE and sets a third flag (0x10) that turns `else` into a no-op until the next `endif` clears it.

import { evaluateExpression } from '../../ssi/expr';
import { type DiagnosticCode } from '../diagnostics';
import { createExpressionHost, parseCached } from '../expression-host';
import { type DirectiveCall } from '../render-state';
import { excerpt } from '../../ssi/excerpt';

/** Opens a conditional; inside a branch that is not printing it is only counted. */
export function handleIf(call: DirectiveCall): void {
  const { frame } = call;
  if (!frame.printing) {
    frame.skippedIfs++;
    return;
  }
  const value = evaluateCondition(call, false);
  if (value === undefined) return;
  // Binary: flags |= PRINTING|COND_TRUE or &= ~both; flag 0x10 is left as it was.
  frame.printing = frame.conditionTrue = value;
  frame.skippedIfs = 0;
}

/** Takes this branch if no earlier one was; its errors print even outside a printing branch. */
export function handleElif(call: DirectiveCall): void {
  const { frame, attributes } = call;
  if (frame.skippedIfs > 0) return;
  if (
    frame.conditionTrue &&
    attributes.length === 1 &&
    attributes[0].name === 'expr' &&
    attributes[0].value !== null
  ) {
    // A branch was taken: the expression is not even evaluated, so its errors stay silent.
    frame.printing = false;
    return;
  }
  const value = evaluateCondition(call, true);
  if (value === undefined) return;
  frame.printing = frame.conditionTrue = value;
}

/** Flips to the else branch; after a failed if/elif it does nothing (the binary's flag 0x10). */
export function handleElse({ attributes, line, frame, render }: DirectiveCall): void {
  if (frame.skippedIfs > 0) return;
  if (attributes.length > 0) return render.fail(frame, line, 'unknown-attribute', 'else takes no attributes');
  if (frame.conditionFailed) return;
  if (frame.conditionTrue) frame.printing = false;
  else frame.printing = frame.conditionTrue = true;
}

/** Closes a conditional and forgets a failed one; with attributes it is an error and the conditional stays open. */
export function handleEndif({ attributes, line, frame, render }: DirectiveCall): void {
  if (frame.skippedIfs > 0) {
    frame.skippedIfs--;
    return;
  }
  if (attributes.length > 0)
    return render.fail(frame, line, 'unknown-attribute', 'endif takes no attributes', true);
  frame.printing = frame.conditionTrue = true;
  frame.conditionFailed = false;
}

/** Checks the single `expr` attribute and evaluates it; undefined (after failing the conditional) when it cannot. */
function evaluateCondition(call: DirectiveCall, always: boolean): boolean | undefined {
  const { name, attributes, frame, render } = call;
  if (attributes.length !== 1)
    return failCondition(call, 'missing-argument', `${name} needs exactly one attribute, expr="…"`, always);
  const [{ name: attribute, value }] = attributes;
  if (attribute !== 'expr')
    return failCondition(call, 'unknown-attribute', `${name} does not take "${excerpt(attribute)}"`, always);
  if (value === null)
    return failCondition(call, 'missing-argument', `${name} needs a value for expr`, always);
  const parsed = parseCached(value, frame.syntax);
  const result = parsed.ok
    ? evaluateExpression(parsed.expression, createExpressionHost(render, frame))
    : parsed;
  if (result.ok) return result.value;
  return failCondition(
    call,
    'expression-error',
    `${name} expr="${excerpt(value)}": ${result.message}`,
    always,
  );
}

/**
 * Prints the error text and, as the binary does on every error path of handle_if/handle_elif, stops printing
 * until an elif is taken or an endif runs: `flags = (flags & ~(PRINTING|COND_TRUE)) | 0x10`.
 */
function failCondition(
  call: DirectiveCall,
  code: DiagnosticCode,
  message: string,
  always: boolean,
): undefined {
  const { line, frame, render } = call;
  render.fail(frame, line, code, message, always);
  frame.conditionFailed = true;
  frame.printing = frame.conditionTrue = false;
  return undefined;
}
