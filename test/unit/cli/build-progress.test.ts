import { buildProgress } from '../../../src/cli/build-command';
import { type ProgressBar } from '../../../src/cli/progress-bar';

describe('buildProgress', () => {
  it('draws every step and calls whenFilesDone once, at the last file', () => {
    const steps: string[] = [];
    const bar: ProgressBar = {
      update: (done, total) => steps.push(`${done}/${total}`),
      finish: () => undefined,
    };
    const done = jest.fn();
    const progress = buildProgress(bar, done);
    progress(1, 3);
    progress(2, 3);
    expect(done).not.toHaveBeenCalled();
    progress(3, 3);
    expect(done).toHaveBeenCalledTimes(1);
    expect(steps).toEqual(['1/3', '2/3', '3/3']);
  });

  it('without a bar or a callback › does nothing', () => {
    expect(() => buildProgress(undefined, undefined)(1, 1)).not.toThrow();
  });
});
