// GitTimesFileSource: commit times for files that still show their recorded stat, real mtimes for the rest.

import { GitTimesFileSource } from '../../../src/engine/git-times-file-source';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { latestCommitTimes, parseStatusEntries } from '../../../src/cli/git-file-times';

describe('GitTimesFileSource', () => {
  const inner = new MemoryFileSource({ '/a.html': { content: 'abc', mtimeMs: 5_000 } });
  const times = new Map([['/a.html', { commitMs: 1_000, size: 3, mtimeMs: 5_000, isDirectory: false }]]);
  const source = new GitTimesFileSource(inner, times);

  it('a file as git found it › read, stat and stamp show the commit time', async () => {
    const read = await source.read('/a.html');
    expect(read.status === 'found' && read.info.mtimeMs).toBe(1_000);
    const lookup = await source.stat('/a.html');
    expect(lookup.status === 'found' && lookup.info.mtimeMs).toBe(1_000);
    expect(source.stampSync('/a.html').mtimeMs).toBe(1_000);
  });

  it('a file edited since › its own mtime', async () => {
    const edited = new MemoryFileSource({ '/a.html': { content: 'abcd', mtimeMs: 9_000 } });
    const lookup = await new GitTimesFileSource(edited, times).stat('/a.html');
    expect(lookup.status === 'found' && lookup.info.mtimeMs).toBe(9_000);
  });
});

describe('git output parsing', () => {
  it('log › newest commit per path, inside the docroot prefix only', () => {
    const log = '\x0120\0\nsite/b.html\0README\0\0\x0110\0\nsite/a.html\0site/b.html\0';
    expect([...latestCommitTimes(log, 'site/')]).toEqual([
      ['b.html', 20_000],
      ['a.html', 10_000],
    ]);
  });

  it('status › modified, untracked, ignored and both names of a rename', () => {
    const status = ' M site/a.html\0?? site/new.css\0!! site/tmp/\0R  site/to.html\0site/from.html\0';
    expect(parseStatusEntries(status, 'site/')).toEqual([
      { path: 'a.html', ignored: false },
      { path: 'new.css', ignored: false },
      { path: 'tmp', ignored: true },
      { path: 'to.html', ignored: false },
      { path: 'from.html', ignored: false },
    ]);
  });
});
