import { interleavedByFolder } from '../../../src/site-build/folder-interleave';

describe('interleavedByFolder', () => {
  it('files of several folders › one per folder in turn, each folder in its own order', () => {
    const paths = ['/a.shtml', '/s0/1.shtml', '/s0/2.shtml', '/s0/3.shtml', '/s1/1.shtml', '/s1/2.shtml'];
    expect(interleavedByFolder(paths)).toEqual([
      '/a.shtml',
      '/s0/1.shtml',
      '/s1/1.shtml',
      '/s0/2.shtml',
      '/s1/2.shtml',
      '/s0/3.shtml',
    ]);
  });

  it('one folder, or none › the same order', () => {
    expect(interleavedByFolder(['/x/1', '/x/2'])).toEqual(['/x/1', '/x/2']);
    expect(interleavedByFolder([])).toEqual([]);
  });
});
