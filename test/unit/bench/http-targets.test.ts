import { scenarioKey } from '../../../bench/scenarios';
import { BENCH_PAGES } from '../../../bench/sites';
import { judgeTargets } from '../../../bench/targets';

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
