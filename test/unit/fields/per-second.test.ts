import { formattedPerSecond } from '../../../src/fields/per-second';

describe('formattedPerSecond', () => {
  it('formats each second once, from its whole second', () => {
    const seen: number[] = [];
    const format = formattedPerSecond((secondMs) => (seen.push(secondMs), `s${secondMs / 1000}`));
    expect(format(5_000)).toBe('s5');
    expect(format(5_999)).toBe('s5');
    expect(format(6_001)).toBe('s6');
    expect(format(5_500)).toBe('s5');
    expect(seen).toEqual([5_000, 6_000]);
  });

  it('many distinct seconds › each still formatted right (the kept texts start again when full)', () => {
    const format = formattedPerSecond((secondMs) => String(secondMs));
    for (let second = 0; second < 1000; second++)
      expect(format(second * 1000 + 123)).toBe(String(second * 1000));
  });
});
