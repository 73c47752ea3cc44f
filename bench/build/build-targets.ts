// The build targets, judged from figures measured in the same run: the cold build against Hugo, the
// no-change and footer rebuilds against our own cold build, the `--watch` edit latency; plus the scale rows,
// reported with their ratios. Pure: numbers in, judged rows out.

import { median } from '../median';
import { formatFigure, judge, reportOnly, type Judged } from '../verdict';
import { bestMs, type ColdResult, type IncrementalResult, SUBJECT } from './bench-report';
import type { WatchEditsResult } from './watch-edits';

/** The cold builds of the scale site (one run per tool), and the tools left out with why. */
export interface ScaleResult {
  pages: number;
  cold: ColdResult[];
  leftOut: string[];
}

/** Everything the build targets are judged from. */
export interface BuildFigures {
  pages: number;
  cold: ColdResult[];
  incremental: IncrementalResult[];
  /** Undefined when the watch row did not run; `problem` says why. */
  watch?: WatchEditsResult;
  watchProblem?: string;
  scale?: ScaleResult;
}

const coldOf = (results: readonly ColdResult[], tool: string): ColdResult | undefined =>
  results.find((result) => result.tool === tool && result.runs.length > 0);

/** The time of the rebuild whose label starts with `prefix`, as a fraction of our best cold build. */
function rebuildFraction(figures: BuildFigures, prefix: string): number | undefined {
  const cold = coldOf(figures.cold, SUBJECT);
  const rebuild = figures.incremental.find((result) => result.label.startsWith(prefix))?.byTool[SUBJECT];
  return cold === undefined || rebuild === undefined ? undefined : rebuild.milliseconds / bestMs(cold);
}

/** Hugo's time divided by ours (best runs): above 1, we are faster. */
export function speedupOverHugo(cold: readonly ColdResult[]): number | undefined {
  const ours = coldOf(cold, SUBJECT);
  const hugo = coldOf(cold, 'Hugo');
  return ours === undefined || hugo === undefined ? undefined : bestMs(hugo) / bestMs(ours);
}

function exactRebuilds(figures: BuildFigures): Judged {
  const expected = (result: IncrementalResult): number => result.affectedPages + result.fragmentPages;
  const counts = figures.incremental.map(
    (result) => `${result.byTool[SUBJECT]?.rendered ?? '?'}/${expected(result)}`,
  );
  const exact = figures.incremental.every((result) => result.byTool[SUBJECT]?.rendered === expected(result));
  return {
    target: 'incremental rebuilds render exactly the pages that include the change',
    page: `${figures.pages} pages`,
    figure: counts.join(', '),
    goal: 'rendered = affected',
    verdict: exact ? 'met' : 'missed',
  };
}

function watchRows(figures: BuildFigures): Judged[] {
  const size = `${figures.pages} pages`;
  const watch = figures.watch;
  const target = 'build --watch: one page edited, edit → file written (median)';
  if (watch === undefined || watch.latenciesMs.length === 0) {
    const why = figures.watchProblem ?? 'not measured';
    return [judge(target, size, undefined, { direction: 'at most', bound: 0.2, unit: 's' }, why)];
  }
  const seconds = watch.latenciesMs.map((ms) => ms / 1000);
  const timedOut =
    watch.timedOut > 0 ? `; ${watch.timedOut} edits never showed (counted as the timeout)` : '';
  return [
    judge(
      target,
      `${size}, ${seconds.length} edits`,
      median(seconds),
      { direction: 'at most', bound: 0.2, unit: 's' },
      '',
    ),
    reportOnly(
      'build --watch: slowest of those edits',
      `${size}, ${seconds.length} edits`,
      formatFigure(Math.max(...seconds), 's'),
      `the issue judges the median${timedOut}`,
    ),
  ];
}

function scaleRows(figures: BuildFigures): Judged[] {
  const scale = figures.scale;
  if (scale === undefined) return [];
  const size = `${scale.pages} pages`;
  const ratio = speedupOverHugo(scale.cold);
  const ours = coldOf(scale.cold, SUBJECT);
  const small = coldOf(figures.cold, SUBJECT);
  const linear =
    ours === undefined || small === undefined
      ? undefined
      : scale.pages / bestMs(ours) / (figures.pages / bestMs(small));
  return [
    reportOnly(
      'cold build vs Hugo (Hugo time / our time)',
      size,
      ratio === undefined ? '' : formatFigure(ratio, '×'),
      ratio === undefined ? 'Hugo or cdn-include not measured' : 'the issue asks for pages/s at this size',
    ),
    reportOnly(
      `cold build pages/s at ${scale.pages} ÷ at ${figures.pages} (linear = 1.00×)`,
      size,
      linear === undefined ? '' : formatFigure(linear, '×'),
      linear === undefined ? 'not measured' : 'reported: costs should stay linear',
    ),
  ];
}

/** The build rows, each with its figure, its target and a verdict. */
export function judgeBuildTargets(figures: BuildFigures): Judged[] {
  const size = `${figures.pages} pages`;
  const hugo = coldOf(figures.cold, 'Hugo') === undefined ? 'Hugo not installed' : 'cdn-include not measured';
  return [
    judge(
      'cold build vs Hugo (Hugo time / our time)',
      size,
      speedupOverHugo(figures.cold),
      { direction: 'at least', bound: 1.5, unit: '×' },
      hugo,
    ),
    judge(
      'rebuild when nothing changed, × our cold build',
      size,
      rebuildFraction(figures, 'nothing changed'),
      { direction: 'at most', bound: 0.1, unit: '×' },
      'not measured',
    ),
    judge(
      'rebuild after the footer (in every page) changed, × our cold build',
      size,
      rebuildFraction(figures, 'footer'),
      { direction: 'at most', bound: 1, unit: '×' },
      'not measured',
    ),
    ...watchRows(figures),
    exactRebuilds(figures),
    ...scaleRows(figures),
  ];
}
