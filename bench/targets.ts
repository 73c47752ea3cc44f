// The HTTP targets, each row against a baseline measured in the same run: warm 200s against a bare Koa
// app sending constant Buffers, 304s against Koa's empty 304 and Apache's static 304, cold renders against
// nginx ssi. Pure: medians in, verdicts out.

import { KOA_FIELDS, scenarioKey, type RequestKind } from './scenarios';
import { summarize, type RowResult } from './rounds';
import { BENCH_PAGES, type BenchPage } from './sites';
import { formatFigure, judge, reportOnly, type Goal, type Judged } from './verdict';

/** Median req/s of every measured row, by scenarioKey. */
export type RateTable = ReadonlyMap<string, number>;

/** Collects the median req/s of the rows that have one. */
export function rateTable(results: readonly RowResult[]): RateTable {
  const rates = new Map<string, number>();
  for (const result of results) {
    const summary = summarize(result);
    if (summary) rates.set(scenarioKey(result.scenario), summary.requestsPerSecond);
  }
  return rates;
}

/**
 * Requests per second of server CPU (10^6 / the least µs of CPU per request of a round) of every row where it was
 * read: what one core gives when the server is the only thing using it, compared like req/s. The least, not the
 * median: the host's load only adds CPU time here, so the least is the round it disturbed least.
 */
export function cpuRateTable(results: readonly RowResult[]): RateTable {
  const rates = new Map<string, number>();
  for (const result of results) {
    const cpu = summarize(result)?.leastCpuMicrosPerRequest;
    if (cpu !== undefined && cpu > 0) rates.set(scenarioKey(result.scenario), 1e6 / cpu);
  }
  return rates;
}

const is304 = (kind: RequestKind): boolean => kind === '304 IMS' || kind === '304 INM';
const PAGE_12K = BENCH_PAGES[0] as BenchPage;

/** The baseline rows a row is compared with in the results table (undefined where it means nothing). */
export function baselineKeys(row: {
  serverLabel: string;
  kind: RequestKind;
  page: BenchPage;
  workers: number;
}): {
  nginxSsi?: string;
  koaConstant?: string;
  apacheStatic304?: string;
} {
  const isStatic = row.serverLabel.endsWith('static') || row.serverLabel.startsWith('koa');
  const rendered = row.kind === '200' || row.kind === 'cold 200';
  return {
    nginxSsi:
      rendered && !isStatic
        ? scenarioKey({ serverLabel: `nginx ssi ${row.workers}w`, kind: '200', page: row.page })
        : undefined,
    koaConstant: is304(row.kind)
      ? scenarioKey({ serverLabel: 'koa constant Buffer', kind: '304 INM', page: PAGE_12K })
      : scenarioKey({ serverLabel: 'koa constant Buffer', kind: '200', page: row.page }),
    apacheStatic304: is304(row.kind)
      ? scenarioKey({ serverLabel: 'apache static', kind: '304 IMS', page: PAGE_12K })
      : undefined,
  };
}

/** rate(row) / rate(baseline), or undefined when either was not measured. */
export function ratio(rates: RateTable, rowKey: string, baselineKey: string | undefined): number | undefined {
  const value = rates.get(rowKey);
  const base = baselineKey === undefined ? undefined : rates.get(baselineKey);
  return value === undefined || base === undefined || base === 0 ? undefined : value / base;
}

/** One row of the table, judged on every page. */
interface TargetSpec {
  target: string;
  row: [serverLabel: string, kind: RequestKind];
  /** The baseline row; its page is the row's own unless given (an empty 304 is the same for every page). */
  baseline: [serverLabel: string, kind: RequestKind, page?: BenchPage];
  /** The lowest ratio that meets the target on `page`. */
  bound: (page: BenchPage) => number;
  /** Whether both rows are one process against one process, so CPU per request compares them too. */
  singleProcess: boolean;
}

const everyPage = (bound: number) => (): number => bound;

function targetSpecs(coldRow: [string, RequestKind]): TargetSpec[] {
  const koa304: TargetSpec['baseline'] = ['koa constant Buffer', '304 INM', PAGE_12K];
  const apache304: TargetSpec['baseline'] = ['apache static', '304 IMS', PAGE_12K];
  return [
    {
      target: 'warm 200, 1 worker vs koa constant Buffer',
      row: ['cdn-include 1w', '200'],
      baseline: ['koa constant Buffer', '200'],
      bound: everyPage(0.9),
      singleProcess: true,
    },
    {
      target: '304 IMS, 1 worker vs koa empty 304',
      row: ['cdn-include 1w', '304 IMS'],
      baseline: koa304,
      bound: everyPage(0.85),
      singleProcess: true,
    },
    {
      target: '304 INM, 1 worker vs koa empty 304',
      row: ['cdn-include 1w', '304 INM'],
      baseline: koa304,
      bound: everyPage(0.85),
      singleProcess: true,
    },
    {
      target: '304 IMS, 2 workers vs apache static 304',
      row: ['cdn-include 2w', '304 IMS'],
      baseline: apache304,
      bound: everyPage(1.2),
      singleProcess: false,
    },
    {
      target: '304 INM, 2 workers vs apache static 304',
      row: ['cdn-include 2w', '304 INM'],
      baseline: apache304,
      bound: everyPage(1.2),
      singleProcess: false,
    },
    {
      target: 'cold render (cache off), 1 worker vs nginx ssi 1w',
      row: coldRow,
      baseline: ['nginx ssi 1w', '200'],
      // The issue asks more of the 500 KB page, where nginx's per-include cost dominates.
      bound: (page) => (page.name === '500k' ? 1.5 : 1),
      // nginx's master takes no requests: its one worker does them all.
      singleProcess: true,
    },
  ];
}

/**
 * Judges the HTTP targets on every page. `coldRow` is the row that measures rendering without the
 * cache (the cache-off server), undefined when this build has no switch for it.
 */
export function judgeTargets(rates: RateTable, coldRow: [string, RequestKind] | undefined): Judged[] {
  const verdicts: Judged[] = [];
  for (const spec of targetSpecs(coldRow ?? ['cdn-include 1w cache off', 'cold 200'])) {
    for (const page of BENCH_PAGES) {
      const [rowKey, baseKey] = comparedKeys(spec, page);
      const goal: Goal = { direction: 'at least', bound: spec.bound(page), unit: '×' };
      const missing = `${rates.has(rowKey) ? spec.baseline[0] : spec.row[0]} not measured`;
      verdicts.push(judge(spec.target, page.name, ratio(rates, rowKey, baseKey), goal, missing));
    }
  }
  return verdicts;
}

/**
 * The single-process targets again, by the least server CPU per request of a round (see cpuRateTable): no verdict
 * of their own; they show what the req/s ratios above measure in the rounds this machine's host disturbed least.
 */
export function cpuRatios(cpuRates: RateTable, coldRow: [string, RequestKind] | undefined): Judged[] {
  const rows: Judged[] = [];
  for (const spec of targetSpecs(coldRow ?? ['cdn-include 1w cache off', 'cold 200'])) {
    if (!spec.singleProcess) continue;
    for (const page of BENCH_PAGES) {
      const value = ratio(cpuRates, ...comparedKeys(spec, page));
      rows.push(
        reportOnly(
          `${spec.target}, by CPU per request`,
          page.name,
          value === undefined ? '' : formatFigure(value, '×'),
          value === undefined
            ? 'CPU not read'
            : 'the row above by the least server CPU per request of a round',
        ),
      );
    }
  }
  return rows;
}

/** The scenario keys of a target's row and its baseline on `page`. */
function comparedKeys(spec: TargetSpec, page: BenchPage): [row: string, baseline: string] {
  return [
    scenarioKey({ serverLabel: spec.row[0], kind: spec.row[1], page }),
    scenarioKey({ serverLabel: spec.baseline[0], kind: spec.baseline[1], page: spec.baseline[2] ?? page }),
  ];
}

/**
 * The warm rows against a Koa app that sends, from memory, the very fields cdn-include sends (validators, Vary,
 * the purge tags, Repr-Digest…) and logs each request: what of the gap to the bare Koa baselines the design's
 * fields and access log account for. No target: they explain the targets above.
 */
export function sameFieldsRatios(rates: RateTable): Judged[] {
  const rows: Array<[string, RequestKind, BenchPage]> = [
    ...BENCH_PAGES.map((page): [string, RequestKind, BenchPage] => ['warm 200', '200', page]),
    ['304 IMS', '304 IMS', PAGE_12K],
    ['304 INM', '304 INM', PAGE_12K],
  ];
  return rows.map(([label, kind, page]) => {
    const value = ratio(
      rates,
      scenarioKey({ serverLabel: 'cdn-include 1w', kind, page }),
      // A 304 costs the same for every page: the 12 KB page's stands for all, as with the bare Koa 304.
      scenarioKey({ serverLabel: KOA_FIELDS, kind: kind === '200' ? '200' : '304 INM', page }),
    );
    const figure = value === undefined ? '' : formatFigure(value, '×');
    return reportOnly(
      `${label}, 1 worker vs ${KOA_FIELDS}`,
      page.name,
      figure,
      value === undefined ? 'not measured' : 'explains the rows above: Koa sending our fields and log',
    );
  });
}
