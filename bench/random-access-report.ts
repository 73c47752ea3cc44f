// Formats the random-access row: req/s of each server with the ratio to nginx ssi, serve's RSS against its caches'
// bounds, and the two judged rows. Pure.

import { markdownTable } from './markdown-table';
import { judgeRss, describeBudget } from './memory-budget';
import { median } from './median';
import { medianRate, SAMPLE_AFTER_MS, type RandomAccessResult } from './random-access';
import { formatFigure, reportOnly, type Judged } from './verdict';

const pagesLabel = (result: RandomAccessResult): string => `${result.pages} pages`;

function nginxRate(result: RandomAccessResult): number | undefined {
  const nginx = result.servers.find((server) => server.label.startsWith('nginx'));
  return nginx === undefined ? undefined : medianRate(nginx);
}

/** One line per server: median req/s (min–max over rounds), median p99, the ratio to nginx ssi, errors. */
export function randomAccessTable(result: RandomAccessResult): string {
  const base = nginxRate(result);
  const rows = result.servers.map((server) => {
    const rate = medianRate(server);
    if (rate === undefined) return [server.label, pagesLabel(result), server.missing ?? 'n/a', '', '', ''];
    const rates = server.runs.map((run) => run.requestsPerSecond);
    const errors = server.runs.reduce((sum, run) => sum + run.errors, 0);
    return [
      server.label,
      pagesLabel(result),
      `${Math.round(rate)} (${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))})`,
      median(server.runs.map((run) => run.p99Ms)).toFixed(2),
      base === undefined ? '' : formatFigure(rate / base, '×'),
      errors > 0 ? `${errors} errors` : '',
    ];
  });
  return markdownTable(['server', 'site', 'req/s median (min–max)', 'p99 ms', '× nginx ssi', 'note'], rows);
}

/** serve's RSS figures and the limit they are judged against. */
export function memoryLines(result: RandomAccessResult): string[] {
  const { freshMiB, duringMiB, afterMiB } = result;
  if (freshMiB === undefined) return ['cdn-include RSS: not sampled'];
  const show = (value: number | undefined): string => (value === undefined ? '?' : `${value.toFixed(0)} MiB`);
  return [
    `cdn-include RSS (VmRSS of its process group): fresh ${show(freshMiB)}, highest during the load ${show(duringMiB)}, highest in the ${SAMPLE_AFTER_MS / 1000} s after ${show(afterMiB)}`,
    describeBudget(freshMiB),
  ];
}

/** The random-access rows of the targets table: req/s vs nginx ssi (reported), RSS within its bounds (judged). */
export function randomAccessVerdicts(result: RandomAccessResult): Judged[] {
  const cdn = result.servers.find((server) => server.label.startsWith('cdn-include'));
  const rate = cdn === undefined ? undefined : medianRate(cdn);
  const base = nginxRate(result);
  const ratio = rate !== undefined && base !== undefined && base > 0 ? rate / base : undefined;
  const highest =
    result.duringMiB === undefined && result.afterMiB === undefined
      ? undefined
      : Math.max(result.duringMiB ?? 0, result.afterMiB ?? 0);
  return [
    reportOnly(
      'random access, 1 worker vs nginx ssi 1w',
      pagesLabel(result),
      ratio === undefined ? '' : formatFigure(ratio, '×'),
      ratio === undefined ? 'not measured' : 'the issue asks for the figure, it sets no ratio',
    ),
    judgeRss(pagesLabel(result), highest, result.freshMiB),
  ];
}
