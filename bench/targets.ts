// The performance targets: each row against the baselines measured in the same run, and the targets
// (cdn-include vs nginx ssi, bare Koa, Apache's static 304). Pure: numbers in, verdicts out.

import { scenarioKey, type RequestKind } from './scenarios';
import { summarize, type RowResult } from './rounds';
import type { BenchPage } from './sites';
import { BENCH_PAGES } from './sites';

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

const is304 = (kind: RequestKind): boolean => kind === '304 IMS' || kind === '304 INM';
const PAGE_12K = BENCH_PAGES[0] as BenchPage;

/** The baseline rows a row is compared with (undefined where the comparison means nothing). */
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

/** One performance target on one page. */
export interface TargetVerdict {
  target: string;
  page: string;
  threshold: number;
  ratio: number | undefined;
  /** 'met', 'missed', or why it could not be judged. */
  verdict: string;
}

interface TargetSpec {
  target: string;
  row: [serverLabel: string, kind: RequestKind];
  baseline: [serverLabel: string, kind: RequestKind, page?: BenchPage];
  threshold: number;
}

function targetSpecs(coldRow: [string, RequestKind]): TargetSpec[] {
  return [
    {
      target: 'warm 200, 1 worker ≥ 2.0× nginx ssi 1w',
      row: ['cdn-include 1w', '200'],
      baseline: ['nginx ssi 1w', '200'],
      threshold: 2,
    },
    {
      target: 'warm 200, 2 workers ≥ 2.0× nginx ssi 2w',
      row: ['cdn-include 2w', '200'],
      baseline: ['nginx ssi 2w', '200'],
      threshold: 2,
    },
    {
      target: 'warm 200, 1 worker ≥ 0.7× koa constant',
      row: ['cdn-include 1w', '200'],
      baseline: ['koa constant Buffer', '200'],
      threshold: 0.7,
    },
    {
      target: '304 IMS, 1 worker ≥ 0.7× koa empty 304',
      row: ['cdn-include 1w', '304 IMS'],
      baseline: ['koa constant Buffer', '304 INM', PAGE_12K],
      threshold: 0.7,
    },
    {
      target: '304 INM, 1 worker ≥ 0.7× koa empty 304',
      row: ['cdn-include 1w', '304 INM'],
      baseline: ['koa constant Buffer', '304 INM', PAGE_12K],
      threshold: 0.7,
    },
    {
      target: '304 IMS, 2 workers ≥ 1.0× apache static 304',
      row: ['cdn-include 2w', '304 IMS'],
      baseline: ['apache static', '304 IMS', PAGE_12K],
      threshold: 1,
    },
    {
      target: '304 INM, 2 workers ≥ 1.0× apache static 304',
      row: ['cdn-include 2w', '304 INM'],
      baseline: ['apache static', '304 IMS', PAGE_12K],
      threshold: 1,
    },
    {
      target: 'cold render, 1 worker ≥ 1.0× nginx ssi 1w',
      row: coldRow,
      baseline: ['nginx ssi 1w', '200'],
      threshold: 1,
    },
  ];
}

/**
 * Judges every target on every page. `coldRow` is the row that measures rendering without the cache:
 * the cache-off server, or the plain one when the build has no render cache.
 */
export function judgeTargets(rates: RateTable, coldRow: [string, RequestKind] | undefined): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const spec of targetSpecs(coldRow ?? ['cdn-include 1w cache off', 'cold 200'])) {
    for (const page of BENCH_PAGES) {
      const rowKey = scenarioKey({ serverLabel: spec.row[0], kind: spec.row[1], page });
      const baseKey = scenarioKey({
        serverLabel: spec.baseline[0],
        kind: spec.baseline[1],
        page: spec.baseline[2] ?? page,
      });
      const value = ratio(rates, rowKey, baseKey);
      const verdict =
        value === undefined
          ? `n/a (${rates.has(rowKey) ? spec.baseline[0] : spec.row[0]} not measured)`
          : value >= spec.threshold
            ? 'met'
            : 'missed';
      verdicts.push({
        target: spec.target,
        page: page.name,
        threshold: spec.threshold,
        ratio: value,
        verdict,
      });
    }
  }
  return verdicts;
}
