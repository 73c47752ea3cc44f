import { scenarioKey } from '../../../bench/scenarios';
import { BENCH_PAGES } from '../../../bench/sites';
import type { PreparedScenario } from '../../../bench/preflight';
import type { RowResult } from '../../../bench/rounds';
import { resultsTable } from '../../../bench/table';
import { cpuRateTable, cpuRatios, judgeTargets } from '../../../bench/targets';

const page = (name: string) => BENCH_PAGES.find((candidate) => candidate.name === name)!;
const key = (serverLabel: string, kind: Parameters<typeof scenarioKey>[0]['kind'], name: string) =>
  scenarioKey({ serverLabel, kind, page: page(name) });

/** Every row the targets read, at `rate` req/s, with the baselines at 1000 req/s. */
function rates(rate: number): Map<string, number> {
  const table = new Map<string, number>();
  for (const { name } of BENCH_PAGES) {
    table.set(key('cdn-include 1w', '200', name), rate);
    table.set(key('cdn-include 1w', '304 IMS', name), rate);
    table.set(key('cdn-include 1w', '304 INM', name), rate);
    table.set(key('cdn-include 2w', '304 IMS', name), rate);
    table.set(key('cdn-include 2w', '304 INM', name), rate);
    table.set(key('cdn-include 1w cache off', 'cold 200', name), rate);
    table.set(key('koa constant Buffer', '200', name), 1000);
    table.set(key('nginx ssi 1w', '200', name), 1000);
  }
  table.set(key('koa constant Buffer', '304 INM', '12k'), 1000);
  table.set(key('apache static', '304 IMS', '12k'), 1000);
  return table;
}

const COLD: [string, '200' | 'cold 200'] = ['cdn-include 1w cache off', 'cold 200'];

describe('judgeTargets (the issue’s HTTP table)', () => {
  it('judges every row of the table on every page', () => {
    const judged = judgeTargets(rates(1000), COLD);
    expect(new Set(judged.map((row) => row.target))).toEqual(
      new Set([
        'warm 200, 1 worker vs koa constant Buffer',
        '304 IMS, 1 worker vs koa empty 304',
        '304 INM, 1 worker vs koa empty 304',
        '304 IMS, 2 workers vs apache static 304',
        '304 INM, 2 workers vs apache static 304',
        'cold render (cache off), 1 worker vs nginx ssi 1w',
      ]),
    );
    expect(judged).toHaveLength(6 * BENCH_PAGES.length);
  });

  it.each([
    ['warm 200, 1 worker vs koa constant Buffer', '12k', 900, 'met'],
    ['warm 200, 1 worker vs koa constant Buffer', 'deep', 899, 'missed'],
    ['304 INM, 1 worker vs koa empty 304', '500k', 850, 'met'],
    ['304 IMS, 1 worker vs koa empty 304', '12k', 849, 'missed'],
    ['304 IMS, 2 workers vs apache static 304', 'deep', 1200, 'met'],
    ['304 INM, 2 workers vs apache static 304', '12k', 1199, 'missed'],
    ['cold render (cache off), 1 worker vs nginx ssi 1w', '12k', 1000, 'met'],
    ['cold render (cache off), 1 worker vs nginx ssi 1w', '500k', 1000, 'missed'],
    ['cold render (cache off), 1 worker vs nginx ssi 1w', '500k', 1500, 'met'],
  ])('%s on %s at %d req/s against 1000 › %s', (target, pageName, rate, verdict) => {
    const row = judgeTargets(rates(rate), COLD).find(
      (candidate) => candidate.target === target && candidate.page === pageName,
    );
    expect(row?.verdict).toBe(verdict);
    expect(row?.figure).toBe(`${(rate / 1000).toFixed(2)}×`);
  });

  it('the cold row on 500k › asks for 1.5×, the others for 1.0×', () => {
    const cold = judgeTargets(rates(1000), COLD).filter((row) => row.target.startsWith('cold render'));
    expect(cold.map((row) => [row.page, row.goal])).toEqual([
      ['12k', '≥ 1.00×'],
      ['deep', '≥ 1.00×'],
      ['500k', '≥ 1.50×'],
    ]);
  });

  it('when a row or its baseline was not measured › n/a naming which', () => {
    const table = rates(1000);
    table.delete(key('apache static', '304 IMS', '12k'));
    table.delete(key('cdn-include 1w cache off', 'cold 200', 'deep'));
    const judged = judgeTargets(table, COLD);
    const apache = judged.find((row) => row.target === '304 IMS, 2 workers vs apache static 304');
    const cold = judged.find((row) => row.target.startsWith('cold render') && row.page === 'deep');
    expect(apache?.verdict).toBe('n/a (apache static not measured)');
    expect(cold?.verdict).toBe('n/a (cdn-include 1w cache off not measured)');
  });
});

/** A measured row of `serverLabel` on the 12 KB page with the given CPU per request of each run. */
function rowWithCpu(serverLabel: string, kind: '200' | '304 INM', cpu: number[]): RowResult {
  const scenario = {
    server: serverLabel,
    serverLabel,
    kind,
    page: page('12k'),
    path: '/',
    workers: 1,
    url: 'http://127.0.0.1/',
    headers: {},
  } satisfies PreparedScenario;
  const runs = cpu.map(() => ({ requestsPerSecond: 1000, p99Ms: 1, errors: 0 }));
  return { scenario, runs, cpuMicrosPerRequest: cpu };
}

describe('CPU per request', () => {
  const results = [
    rowWithCpu('cdn-include 1w', '200', [50, 40, 90]),
    rowWithCpu('koa constant Buffer', '200', [36, 30, 31]),
    rowWithCpu('cdn-include 1w', '304 INM', [40]),
    rowWithCpu('koa constant Buffer', '304 INM', [32]),
  ];

  it('the single-process targets again › baseline CPU ÷ row CPU, each the least of its rounds, without a verdict', () => {
    const rows = cpuRatios(cpuRateTable(results), COLD);
    const warm = rows.find((row) => row.target.startsWith('warm 200') && row.page === '12k');
    const inm = rows.find((row) => row.target.startsWith('304 INM') && row.page === '12k');
    // Least of the rounds 40 and 30 µs: the baseline gives 40/30 as many requests per CPU second.
    expect(warm).toMatchObject({ figure: `${(30 / 40).toFixed(2)}×`, goal: '' });
    expect(warm?.verdict).toMatch(/^n\/a \(/);
    expect(inm?.figure).toBe(`${(32 / 40).toFixed(2)}×`);
    expect(rows.find((row) => row.target.startsWith('304 IMS') && row.page === '12k')?.verdict).toBe(
      'n/a (CPU not read)',
    );
  });

  it('the two-worker targets › none: two processes against Apache’s many, CPU per request is no throughput', () => {
    const targets = new Set(cpuRatios(cpuRateTable(results), COLD).map((row) => row.target));
    expect([...targets].some((target) => target.includes('2 workers'))).toBe(false);
    expect(targets.has('cold render (cache off), 1 worker vs nginx ssi 1w, by CPU per request')).toBe(true);
  });

  it('the results table › a column with the median and the least µs of CPU per request', () => {
    const lines = resultsTable(results, new Map()).split('\n');
    expect(lines[0]).toContain('CPU µs/req median (least)');
    expect(lines[2]).toMatch(/\| 50\.0 \(40\.0\) +\|/);
  });
});
