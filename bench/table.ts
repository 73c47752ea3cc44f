// Formats the results as a Markdown table (printed as they are, and written to bench/RESULTS.md). Pure.

import { scenarioKey } from './scenarios';
import { summarize, type RowResult } from './rounds';
import { markdownTable } from './markdown-table';
import { baselineKeys, ratio, type RateTable } from './targets';

const formatRatio = (value: number | undefined): string =>
  value === undefined ? '' : `${value.toFixed(2)}×`;

/**
 * One line per row: median req/s (with the spread over rounds), median p99, median µs of server CPU per request
 * (with the least of a round), and the ratios.
 */
export function resultsTable(results: readonly RowResult[], rates: RateTable): string {
  const rows = results.map((result) => {
    const { scenario } = result;
    const summary = summarize(result);
    const head = [scenario.serverLabel, scenario.kind, scenario.page.name];
    if (summary === undefined) return [...head, result.missing ?? 'n/a', '', '', '', '', '', ''];
    const key = scenarioKey(scenario);
    const baselines = baselineKeys(scenario);
    const notes = [scenario.note, summary.errors > 0 ? `${summary.errors} errors` : undefined].filter(
      Boolean,
    );
    return [
      ...head,
      `${Math.round(summary.requestsPerSecond)} (${Math.round(summary.lowest)}–${Math.round(summary.highest)})`,
      summary.p99Ms.toFixed(2),
      summary.cpuMicrosPerRequest === undefined || summary.leastCpuMicrosPerRequest === undefined
        ? ''
        : `${summary.cpuMicrosPerRequest.toFixed(1)} (${summary.leastCpuMicrosPerRequest.toFixed(1)})`,
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
    'CPU µs/req median (least)',
    '× nginx ssi',
    '× koa const',
    '× apache 304',
    'note',
  ];
  return markdownTable(header, rows);
}
