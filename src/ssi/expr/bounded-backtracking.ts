// Runs a backtracking JS RegExp under a time budget, for the patterns RE2 cannot run (backreferences, lookahead).
// Pure computation, no I/O: node:vm's timeout interrupts irregexp, which polls for interrupts while it backtracks.

import { Script, createContext } from 'node:vm';

/**
 * Wall-clock budget of one backtracking attempt: the counterpart of PCRE2's match limit (10,000,000 steps, about
 * 0.4 s in Apache). Kept short because a match here holds the event loop, not one worker thread.
 */
export const BACKTRACKING_BUDGET_MS = 20;

/** What a budgeted match returns: the RegExp's own result, or the budget ran out. */
export type BudgetedMatch = { ok: true; match: RegExpExecArray | null } | { ok: false };

// One context and script for all matches: creating them costs far more than running them.
const sandbox: { regex: RegExp; subject: string } = { regex: /(?:)/, subject: '' };
const context = createContext(sandbox);
const script = new Script('regex.exec(subject)');

/**
 * `regex.exec(subject)`, abandoned after `budgetMs` (vm's watchdog thread adds ~0.25 ms per call). The budget is
 * wall-clock time, so a busy machine can pre-empt a trivial match past it: one retry makes that a non-issue while
 * a truly catastrophic match still stops, after twice the budget.
 */
export function execWithBudget(
  regex: RegExp,
  subject: string,
  budgetMs = BACKTRACKING_BUDGET_MS,
): BudgetedMatch {
  sandbox.regex = regex;
  sandbox.subject = subject;
  try {
    return runOnce(budgetMs) ?? runOnce(budgetMs) ?? { ok: false };
  } finally {
    sandbox.subject = '';
  }
}

function runOnce(budgetMs: number): BudgetedMatch | undefined {
  try {
    return { ok: true, match: script.runInContext(context, { timeout: budgetMs }) as RegExpExecArray | null };
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return undefined;
    throw err;
  }
}
