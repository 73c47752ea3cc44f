// The build's progress bar without a terminal: its line format, its throttling and its clean exit.

import { createProgressBar, formatProgressLine } from '../../../src/cli/progress-bar';

/** A bar over a fake clock that records what it writes. */
function fakeBar(delayMs = 500): {
  written: string[];
  tick: (ms: number) => void;
  bar: ReturnType<typeof createProgressBar>;
} {
  const written: string[] = [];
  let time = 1_000_000;
  const bar = createProgressBar({
    write: (text) => written.push(text),
    columns: 60,
    delayMs,
    now: () => time,
  });
  return { written, tick: (ms) => void (time += ms), bar };
}

describe('formatProgressLine', () => {
  it.each([
    [0, 10, 60],
    [5, 10, 60],
    [10, 10, 60],
    [3, 7, 200],
    [9999, 10000, 12],
  ])('when %i of %i on %i columns › never reaches the last column', (done, total, columns) => {
    expect(formatProgressLine(done, total, columns, 'files').length).toBeLessThanOrEqual(columns - 1);
  });

  it('when half is done › half the bar is filled and 50% shown', () => {
    const line = formatProgressLine(50, 100, 60, 'files');
    const bar = /^\[(#*)(-*)\]/.exec(line);
    expect(bar?.[1].length).toBe(bar?.[2].length);
    expect(line).toMatch(/ 50\/100 files {2}50%$/);
  });

  it('when the total is 0 › shows 100%', () => {
    expect(formatProgressLine(0, 0, 60, 'files')).toMatch(/100%$/);
  });
});

describe('createProgressBar', () => {
  it('when the run ends within the delay › draws nothing and erases nothing', () => {
    const { written, tick, bar } = fakeBar();
    bar.update(1, 2);
    tick(100);
    bar.update(2, 2);
    bar.finish();
    expect(written).toEqual([]);
  });

  it('when updates come faster than the interval › draws at most once per interval, and always the last', () => {
    const { written, tick, bar } = fakeBar(0);
    for (let done = 1; done <= 100; done++) {
      bar.update(done, 100);
      tick(10);
    }
    expect(written.length).toBeLessThanOrEqual(12);
    expect(written[written.length - 1]).toMatch(/^\r.*100\/100 files 100%$/);
  });

  it('when it finishes after drawing › erases the line', () => {
    const { written, bar } = fakeBar(0);
    bar.update(1, 2);
    bar.finish();
    expect(written[written.length - 1]).toBe('\r\x1b[K');
  });
});
