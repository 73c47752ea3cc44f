import { randomAccessScript, randomPagePath } from '../../../bench/random-site';

describe('the random-access site', () => {
  it.each([
    [0, '/r/d0/p0.shtml'],
    [99, '/r/d0/p99.shtml'],
    [100, '/r/d1/p100.shtml'],
    [99999, '/r/d999/p99999.shtml'],
  ])('page %d › lives at %s', (index, path) => {
    expect(randomPagePath(index)).toBe(path);
  });

  it('the wrk script › seeds once and asks for pages 0…N−1 at the same paths', () => {
    const script = randomAccessScript(100000, 3);
    expect(script).toContain('math.randomseed(3)');
    expect(script).toContain('math.random(0, 99999)');
    expect(script).toContain('string.format("/r/d%d/p%d.shtml", math.floor(n / 100), n)');
  });
});
