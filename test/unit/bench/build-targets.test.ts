import type { IncrementalResult } from '../../../bench/build/bench-report';
import { judgeBuildTargets, type BuildFigures } from '../../../bench/build/build-targets';
import { plannedBuildSeconds } from '../../../bench/build/build-plan';

function incremental(label: string, ms: number, affected: number, rendered = affected): IncrementalResult {
  return {
    label,
    affectedPages: affected,
    fragmentPages: 0,
    byTool: { 'cdn-include': { milliseconds: ms, rendered }, Hugo: { milliseconds: 3000 } },
  };
}

/** cdn-include 2 s cold (best of two), Hugo 3 s: 1.5×; no-change rebuild 0.2 s, footer 2 s. */
function figures(overrides: Partial<BuildFigures> = {}): BuildFigures {
  return {
    pages: 10000,
    cold: [
      { tool: 'cdn-include', version: '0.1.0', runs: [2500, 2000] },
      { tool: 'Hugo', version: 'v0.111.3', runs: [3000, 3100] },
    ],
    incremental: [
      incremental('nothing changed', 200, 0),
      incremental('footer (in all 10000 pages)', 2000, 10000),
    ],
    watch: { latenciesMs: [100, 150, 300], timedOut: 0 },
    ...overrides,
  };
}

const verdictOf = (rows: ReturnType<typeof judgeBuildTargets>, target: string) =>
  rows.find((row) => row.target.startsWith(target));

describe('judgeBuildTargets (the issue’s build rows)', () => {
  it('on the bounds › every row met, with its figure', () => {
    const rows = judgeBuildTargets(figures());
    expect(verdictOf(rows, 'cold build vs Hugo')).toMatchObject({
      figure: '1.50×',
      goal: '≥ 1.50×',
      verdict: 'met',
    });
    expect(verdictOf(rows, 'rebuild when nothing changed')).toMatchObject({
      figure: '0.10×',
      verdict: 'met',
    });
    expect(verdictOf(rows, 'rebuild after the footer')).toMatchObject({ figure: '1.00×', verdict: 'met' });
    expect(verdictOf(rows, 'build --watch: one page')).toMatchObject({ figure: '0.150 s', verdict: 'met' });
    expect(verdictOf(rows, 'build --watch: slowest')).toMatchObject({ figure: '0.300 s' });
    expect(verdictOf(rows, 'incremental rebuilds render exactly')?.verdict).toBe('met');
  });

  it('past the bounds › missed', () => {
    const rows = judgeBuildTargets(
      figures({
        cold: [
          { tool: 'cdn-include', version: '', runs: [2100] },
          { tool: 'Hugo', version: '', runs: [3000] },
        ],
        incremental: [incremental('nothing changed', 220, 0), incremental('footer', 2200, 10000, 9999)],
        watch: { latenciesMs: [250, 250, 100], timedOut: 0 },
      }),
    );
    for (const target of ['cold build vs Hugo', 'rebuild when', 'rebuild after', 'build --watch: one page'])
      expect(verdictOf(rows, target)?.verdict).toBe('missed');
    expect(verdictOf(rows, 'incremental rebuilds render exactly')).toMatchObject({
      figure: '0/0, 9999/10000',
      verdict: 'missed',
    });
  });

  it('without Hugo or the watch row › n/a saying why', () => {
    const rows = judgeBuildTargets(
      figures({
        cold: [{ tool: 'cdn-include', version: '', runs: [2000] }],
        watch: undefined,
        watchProblem: 'build --watch never said it was watching',
      }),
    );
    expect(verdictOf(rows, 'cold build vs Hugo')?.verdict).toBe('n/a (Hugo not installed)');
    expect(verdictOf(rows, 'build --watch')?.verdict).toBe('n/a (build --watch never said it was watching)');
  });

  it('with a scale site › reports its ratio to Hugo and to the smaller site, judging neither', () => {
    const rows = judgeBuildTargets(
      figures({
        scale: {
          pages: 100000,
          cold: [
            { tool: 'cdn-include', version: '', runs: [25000] },
            { tool: 'Hugo', version: '', runs: [30000] },
          ],
          leftOut: [],
        },
      }),
    );
    const scale = rows.filter((row) => row.page === '100000 pages');
    expect(scale.map((row) => row.figure)).toEqual(['1.20×', '0.80×']);
    expect(scale.every((row) => row.verdict.startsWith('n/a ('))).toBe(true);
  });
});

describe('plannedBuildSeconds', () => {
  it('a full run › stays under 15 minutes; a quick one under 2', () => {
    expect(plannedBuildSeconds({ pages: 10000, runs: 2, scalePages: 100000, watchEdits: 20 })).toBeLessThan(
      900,
    );
    expect(plannedBuildSeconds({ pages: 1000, runs: 1, scalePages: 5000, watchEdits: 5 })).toBeLessThan(120);
  });
});
