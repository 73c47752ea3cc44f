// Formats the results as Markdown tables (printed as they are, and written to bench/RESULTS.md). Pure.

import { scenarioKey } from './scenarios';
import { summarize, type RowResult } from './rounds';
import { baselineKeys, ratio, type RateTable, type TargetVerdict } from './targets';

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const formatRatio = (value: number | undefined): string =>
  value === undefined ? '' : `${value.toFixed(2)}×`;

/** One line per row: median req/s (with the spread over rounds), median p99, and the ratios. */
export function resultsTable(results: readonly RowResult[], rates: RateTable): string {
  const rows = results.map((result) => {
    const { scenario } = result;
    const summary = summarize(result);
    const head = [scenario.serverLabel, scenario.kind, scenario.page.name];
    if (summary === undefined) return [...head, result.missing ?? 'n/a', '', '', '', '', ''];
    const key = scenarioKey(scenario);
    const baselines = baselineKeys(scenario);
    const notes = [scenario.note, summary.errors > 0 ? `${summary.errors} errors` : undefined].filter(
      Boolean,
    );
    return [
      ...head,
      `${Math.round(summary.requestsPerSecond)} (${Math.round(summary.lowest)}–${Math.round(summary.highest)})`,
      summary.p99Ms.toFixed(2),
      formatRatio(ratio(rates, key, baselines.nginxSsi)),
      formatRatio(ratio(rates, key, baselines.koaConstant)),
      formatRatio(ratio(rates, key, baselines.apacheStatic304)),
      notes.join('; '),
    ];
  });
  const header = [
    'server',
    'request',
    'page',
    'req/s median (min–max)',
    'p99 ms',
    '× nginx ssi',
    '× koa const',
    '× apache 304',
    'note',
  ];
  return markdownTable(header, rows);
}

/** One line per target and page: ratio, threshold, met or missed. */
export function targetsTable(verdicts: readonly TargetVerdict[]): string {
  return markdownTable(
    ['target', 'page', 'ratio', 'verdict'],
    verdicts.map((verdict) => [verdict.target, verdict.page, formatRatio(verdict.ratio), verdict.verdict]),
  );
}
