// CachingFileSource.forget: a file reported changed is read again even when its stamp did not move, which a stat
// alone cannot tell (a same-size rewrite within the file system's timestamp tick, an NFS server's coarse times).

import { CachingFileSource } from '../../../src/engine/caching-file-source';
import { type FileStamp } from '../../../src/engine/file-stamp';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';

/** A source whose stamps never show a same-size, same-mtime rewrite (no change time, as on some mounts). */
class TimelessSource extends MemoryFileSource {
  override stampSync(path: string): FileStamp {
    return { ...super.stampSync(path), ctimeMs: 0 };
  }
}

async function text(source: CachingFileSource, path: string): Promise<string> {
  const content = await source.read(path);
  return content.status === 'found' ? content.bytes.toString() : content.status;
}

describe('CachingFileSource.forget', () => {
  it('a same-stamp rewrite › served from the cache until forgotten, then read again', async () => {
    const inner = new TimelessSource({ '/inc/nav.html': { content: 'old', mtimeMs: 1000 } });
    const source = new CachingFileSource(inner, { clock: () => 1e12 });
    expect(await text(source, '/inc/nav.html')).toBe('old');
    inner.write('/inc/nav.html', 'new', 1000);
    expect(await text(source, '/inc/nav.html')).toBe('old');
    source.forget(['/inc/nav.html']);
    expect(await text(source, '/inc/nav.html')).toBe('new');
  });

  it('/ (events lost) › every file is read again', async () => {
    const inner = new TimelessSource({
      '/a': { content: 'a1', mtimeMs: 1000 },
      '/b': { content: 'b1', mtimeMs: 1000 },
    });
    const source = new CachingFileSource(inner, { clock: () => 1e12 });
    await text(source, '/a');
    await text(source, '/b');
    expect(source.bytes).toBeGreaterThan(0);
    source.forget(['/']);
    expect(source.bytes).toBe(0);
  });
});
