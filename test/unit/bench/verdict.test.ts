import { median } from '../../../bench/median';
import { formatGoal, judge, meets, reportOnly } from '../../../bench/verdict';

describe('median', () => {
  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[7], 7],
  ])('of %j › is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('of nothing › is NaN', () => {
    expect(median([])).toBeNaN();
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('judge', () => {
  const atLeast = { direction: 'at least', bound: 0.9, unit: '×' } as const;
  const atMost = { direction: 'at most', bound: 0.2, unit: 's' } as const;

  it.each([
    [0.95, atLeast, 'met'],
    [0.9, atLeast, 'met'],
    [0.89, atLeast, 'missed'],
    [0.15, atMost, 'met'],
    [0.2, atMost, 'met'],
    [0.21, atMost, 'missed'],
  ])('when the figure is %d against %j › %s', (value, goal, verdict) => {
    expect(judge('t', 'p', value, goal, 'why').verdict).toBe(verdict);
    expect(meets(value, goal)).toBe(verdict === 'met');
  });

  it.each([undefined, NaN, Infinity])('when the figure is %p › n/a with the reason, no figure', (value) => {
    expect(judge('t', 'p', value, atLeast, 'Hugo not installed')).toEqual({
      target: 't',
      page: 'p',
      figure: '',
      goal: '≥ 0.90×',
      verdict: 'n/a (Hugo not installed)',
    });
  });

  it('prints ratios, seconds and MiB in their units', () => {
    expect(judge('t', 'p', 1.234, atLeast, '').figure).toBe('1.23×');
    expect(judge('t', 'p', 0.1234, atMost, '').figure).toBe('0.123 s');
    expect(formatGoal(atMost)).toBe('≤ 0.200 s');
    expect(formatGoal({ direction: 'at most', bound: 300.4, unit: 'MiB' })).toBe('≤ 300 MiB');
  });

  it('a reported row › has no target and says why', () => {
    expect(reportOnly('t', 'p', '0.50×', 'no ratio in the issue')).toEqual({
      target: 't',
      page: 'p',
      figure: '0.50×',
      goal: '',
      verdict: 'n/a (no ratio in the issue)',
    });
  });
});
