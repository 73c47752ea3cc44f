// What a `check` finds: one problem, its stable code and its severity. Shared by the verdict and the CDN findings.

import type { CheckStep } from './revalidation-exchange';

/** Stable codes of the problems a check can report; logs and tests depend on them. */
export type RevalidationProblemCode =
  | 'first-response-not-200'
  | 'no-validators'
  | 'invalid-etag'
  | 'weak-etag'
  | 'invalid-last-modified'
  | 'last-modified-after-date'
  | 'heuristic-freshness'
  | 'if-modified-since-ignored'
  | 'if-modified-since-not-304'
  | 'if-none-match-ignored'
  | 'if-none-match-not-304'
  | 'not-modified-with-body'
  | 'not-modified-drops-header'
  | 'not-modified-drops-tags'
  | 'head-differs'
  | 'missing-vary'
  | 'vary-any'
  | 'not-storable';

/** One finding: `error` makes the origin fail the check, `warning` does not. */
export interface RevalidationProblem {
  code: RevalidationProblemCode;
  severity: 'error' | 'warning';
  /** The step whose response shows the problem. */
  step: CheckStep;
  /** One sentence for people, citing the rule. */
  message: string;
}
