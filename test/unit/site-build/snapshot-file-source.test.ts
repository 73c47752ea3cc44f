// The build's snapshot of the docroot: shared files are read from the source once, single-use files are not kept.

import { type FileContent, type FileLookup, type FileSource } from '../../../src/engine/file-source';
import { SnapshotFileSource } from '../../../src/site-build/snapshot-file-source';

/** A source of fixed files that counts how often each path is read and stat'ed. */
function countingSource(files: Record<string, string>): {
  source: FileSource;
  reads: Map<string, number>;
  stats: Map<string, number>;
} {
  const reads = new Map<string, number>();
  const stats = new Map<string, number>();
  const info = (text: string) => ({ size: text.length, mtimeMs: 1000, isDirectory: false });
  const source: FileSource = {
    async read(path): Promise<FileContent> {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      const text = files[path];
      return text === undefined
        ? { status: 'missing' }
        : { status: 'found', bytes: Buffer.from(text), info: info(text) };
    },
    async stat(path): Promise<FileLookup> {
      stats.set(path, (stats.get(path) ?? 0) + 1);
      const text = files[path];
      return text === undefined ? { status: 'missing' } : { status: 'found', info: info(text) };
    },
    statSync: () => ({ status: 'missing' }),
  };
  return { source, reads, stats };
}

describe('SnapshotFileSource', () => {
  it('when a fragment is read by many pages › the source reads it twice at most, with the same bytes', async () => {
    const { source, reads } = countingSource({ '/inc/nav.html': '<nav>' });
    const snapshot = new SnapshotFileSource(source);
    const contents = await Promise.all(Array.from({ length: 50 }, () => snapshot.read('/inc/nav.html')));
    expect(reads.get('/inc/nav.html')).toBe(2);
    for (const content of contents)
      expect(content).toMatchObject({ status: 'found', bytes: Buffer.from('<nav>') });
  });

  it('when the byte budget is spent › later files are read from the source every time', async () => {
    const { source, reads } = countingSource({ '/big.html': 'x'.repeat(100), '/small.html': 'y' });
    const snapshot = new SnapshotFileSource(source, { maxBytes: 50 });
    for (let i = 0; i < 5; i++) await snapshot.read('/big.html');
    expect(reads.get('/big.html')).toBe(5);
  });

  it('when a path is stat’ed repeatedly › the source is asked once, missing paths included', async () => {
    const { source, stats } = countingSource({ '/a.html': 'a' });
    const snapshot = new SnapshotFileSource(source);
    for (let i = 0; i < 3; i++) {
      expect(await snapshot.stat('/a.html')).toMatchObject({ status: 'found' });
      expect(await snapshot.stat('/gone.html')).toEqual({ status: 'missing' });
    }
    expect([stats.get('/a.html'), stats.get('/gone.html')]).toEqual([1, 1]);
  });
});
