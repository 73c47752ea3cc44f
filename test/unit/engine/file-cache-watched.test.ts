// CachingFileSource.watchWith: while a change feed covers a path, its cached bytes and lookups are answered without
// a stat, and a render's final check needs none once a stat saw its entries together (a cold render of cached
// files costs no stat at all); a change reported for the path, or for anything the cache does not
// hold (a folder above it, a file created), sends it back to stamping.

import { CachingFileSource, type WatchedPaths } from '../../../src/engine/caching-file-source';
import { type FileSource } from '../../../src/engine/file-source';
import { type FileStamp } from '../../../src/engine/file-stamp';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';

/** A memory source that counts stats. */
class CountingSource extends MemoryFileSource {
  stats = 0;
  override stampSync(path: string): FileStamp {
    this.stats++;
    return super.stampSync(path);
  }
}

const SETTLED = 1e12;

function setUp(watched: WatchedPaths = { healthy: true, covers: () => true }) {
  const inner = new CountingSource({
    '/inc/nav.html': { content: 'nav', mtimeMs: 1000 },
    '/index.shtml': { content: 'page', mtimeMs: 1000 },
  });
  const source = new CachingFileSource(inner, { clock: () => SETTLED });
  source.watchWith(watched);
  return { inner, source };
}

async function text(source: FileSource, path: string): Promise<string> {
  const content = await source.read(path);
  return content.status === 'found' ? content.bytes.toString() : content.status;
}

describe('CachingFileSource.watchWith', () => {
  it('a covered, cached file › read and looked up again without a stat; the final check of a render stats it once', async () => {
    const { inner, source } = setUp();
    await text(source, '/inc/nav.html');
    const after = inner.stats;
    const view = source.recordingView();
    expect(await text(view, '/inc/nav.html')).toBe('nav');
    expect((await view.stat('/inc/nav.html')).status).toBe('found');
    expect(inner.stats).toBe(after);
    expect([...view.stamps.keys()]).toEqual(['/inc/nav.html']);
    expect(await view.isConsistent()).toBe(true);
    expect(inner.stats).toBe(after + 1);
  });

  it('a file changed but not yet reported while a render read another one › the final check still sees it', async () => {
    const { inner, source } = setUp();
    await text(source, '/inc/nav.html');
    const view = source.recordingView();
    await text(view, '/inc/nav.html');
    inner.write('/inc/nav.html', 'written, its event still queued', 2000);
    expect(await view.isConsistent()).toBe(false);
  });

  it('every file answered from entries a stat saw unchanged after the newest was stamped › the final check needs no stat', async () => {
    const { inner, source } = setUp();
    await text(source, '/inc/nav.html');
    await text(source, '/index.shtml');
    const first = source.recordingView();
    await text(first, '/index.shtml');
    await text(first, '/inc/nav.html');
    expect(await first.isConsistent()).toBe(true);
    const before = inner.stats;
    const view = source.recordingView();
    expect(await text(view, '/index.shtml')).toBe('page');
    expect(await text(view, '/inc/nav.html')).toBe('nav');
    expect(await view.isConsistent()).toBe(true);
    expect(inner.stats).toBe(before);
  });

  it('one file changed (its event queued) before another was read and seen › not seen together: the check stats and sees it', async () => {
    const { inner, source } = setUp();
    inner.write('/inc/footer.html', 'footer', 1000);
    await text(source, '/inc/nav.html');
    const first = source.recordingView();
    await text(first, '/inc/nav.html');
    expect(await first.isConsistent()).toBe(true);
    inner.write('/inc/nav.html', 'new nav, its event still queued', 2000);
    // The footer is read and then seen unchanged too, but only after nav changed: the two were never seen together.
    const footerAlone = source.recordingView();
    await text(footerAlone, '/inc/footer.html');
    expect(await footerAlone.isConsistent()).toBe(true);
    const view = source.recordingView();
    expect(await text(view, '/inc/nav.html')).toBe('nav');
    expect(await text(view, '/inc/footer.html')).toBe('footer');
    expect(await view.isConsistent()).toBe(false);
  });

  it('entries seen together, then a change reported while a render used them › the check stats and sees it', async () => {
    const { inner, source } = setUp();
    await text(source, '/inc/nav.html');
    const first = source.recordingView();
    await text(first, '/inc/nav.html');
    expect(await first.isConsistent()).toBe(true);
    const view = source.recordingView();
    await text(view, '/inc/nav.html');
    inner.write('/inc/nav.html', 'new nav', 2000);
    source.forget(['/inc/nav.html']);
    const before = inner.stats;
    expect(await view.isConsistent()).toBe(false);
    expect(inner.stats).toBeGreaterThan(before);
  });

  it('a change reported for the file › stamped and read again', async () => {
    const { inner, source } = setUp();
    await text(source, '/inc/nav.html');
    inner.write('/inc/nav.html', 'new', 1000);
    source.forget(['/inc/nav.html']);
    expect(await text(source, '/inc/nav.html')).toBe('new');
  });

  it('a change reported for a path it does not hold (a folder above) › every entry stamped again before trusted', async () => {
    const { inner, source } = setUp();
    await text(source, '/inc/nav.html');
    inner.write('/inc/nav.html', 'replaced with its folder', 2000);
    source.forget(['/inc']);
    const before = inner.stats;
    expect(await text(source, '/inc/nav.html')).toBe('replaced with its folder');
    expect(inner.stats).toBeGreaterThan(before);
  });

  it('a path the feed does not cover, or a feed that is not healthy › stamped on every use', async () => {
    for (const watched of [
      { healthy: true, covers: (path: string) => path !== '/inc/nav.html' },
      { healthy: false, covers: () => true },
    ]) {
      const { inner, source } = setUp(watched);
      await text(source, '/inc/nav.html');
      const before = inner.stats;
      await text(source, '/inc/nav.html');
      expect(inner.stats).toBe(before + 1);
    }
  });

  it('a racy file (changed within a timestamp tick of its read) › stamped and its bytes compared on every use', async () => {
    const inner = new CountingSource({ '/inc/nav.html': { content: 'nav', mtimeMs: SETTLED - 10 } });
    const source = new CachingFileSource(inner, { clock: () => SETTLED });
    source.watchWith({ healthy: true, covers: () => true });
    await text(source, '/inc/nav.html');
    const before = inner.stats;
    await text(source, '/inc/nav.html');
    expect(inner.stats).toBe(before + 1);
  });
});
