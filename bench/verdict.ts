// How every benchmark row is judged against its target: a figure, a bound it must stay on the right side of,
// and a verdict that is `met`, `missed`, or `n/a (why)`. Pure: numbers in, words out.

/** A target: the figure must be at least (or at most) `bound`. */
export interface Goal {
  direction: 'at least' | 'at most';
  bound: number;
  /** How the bound and the figure are printed: a ratio (`0.90×`), seconds, or MiB. */
  unit: '×' | 's' | 'MiB';
}

/** One judged row of a targets table. */
export interface Judged {
  /** What is measured, in the words. */
  target: string;
  /** The page, site size or variant the row is about ('' when there is only one). */
  page: string;
  /** The measured figure as printed ('' when not measured). */
  figure: string;
  /** The target as printed (`≥ 0.90×`, `≤ 0.20 s`), or why there is none. */
  goal: string;
  /** `met`, `missed`, or `n/a (why)`. */
  verdict: string;
}

/** `value` printed in `unit`. */
export function formatFigure(value: number, unit: Goal['unit']): string {
  if (unit === '×') return `${value.toFixed(2)}×`;
  if (unit === 's') return `${value.toFixed(value < 10 ? 3 : 1)} s`;
  return `${value.toFixed(0)} MiB`;
}

/** The goal printed: `≥ 0.90×`, `≤ 0.200 s`. */
export function formatGoal(goal: Goal): string {
  return `${goal.direction === 'at least' ? '≥' : '≤'} ${formatFigure(goal.bound, goal.unit)}`;
}

/** Whether `value` meets `goal` (a value exactly on the bound meets it). */
export function meets(value: number, goal: Goal): boolean {
  return goal.direction === 'at least' ? value >= goal.bound : value <= goal.bound;
}

/**
 * Judges one row: `met` or `missed` when `value` was measured, else `n/a (whyMissing)`.
 *
 * @example
 * judge('cold build vs Hugo', '10000 pages', 1.62, { direction: 'at least', bound: 1.5, unit: '×' }, 'Hugo not installed');
 */
export function judge(
  target: string,
  page: string,
  value: number | undefined,
  goal: Goal,
  whyMissing: string,
): Judged {
  const measured = value !== undefined && Number.isFinite(value);
  return {
    target,
    page,
    figure: measured ? formatFigure(value, goal.unit) : '',
    goal: formatGoal(goal),
    verdict: !measured ? `n/a (${whyMissing})` : meets(value, goal) ? 'met' : 'missed',
  };
}

/** A row that is reported with no target of its own (the issue asks for the figure only). */
export function reportOnly(target: string, page: string, figure: string, why: string): Judged {
  return { target, page, figure, goal: '', verdict: `n/a (${why})` };
}
