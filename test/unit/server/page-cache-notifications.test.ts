// The render cache with a change feed: a covered response is sent without stamping its files while the feed is
// healthy, dropped the moment a file it rests on is reported (through the index, folders included), and never
// stored when a change came while it was built; where the feed is unhealthy it is stamped as before.

import { type FileStamp, type StampingFileSource } from '../../../src/engine/file-stamp';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { type CachedVariant, PageCache } from '../../../src/server/page-cache';
import { type RepresentationSet } from '../../../src/server/representation-set';

const STAMP: FileStamp = { kind: 'file', size: 5, mtimeMs: 1, ctimeMs: 1, dev: 1, ino: 1 };

/** A source whose stamps are counted and can be changed by hand. */
class StampCounter extends MemoryFileSource implements StampingFileSource {
  stamped = 0;
  readonly stamps = new Map<string, FileStamp>();
  override stampSync(path: string): FileStamp {
    this.stamped++;
    return this.stamps.get(path) ?? STAMP;
  }
}

/** A feed stand-in: healthy or not, covering every path but those named. */
function feed(healthy = true, uncovered: string[] = []) {
  return { healthy, covers: (path: string) => healthy && !uncovered.includes(path) };
}

function variant(paths: string[]): CachedVariant {
  return {
    headers: [],
    stamps: paths.map((path) => [path, STAMP] as const),
    // Only its byte count is read by the cache.
    representations: { bytes: 100 } as unknown as RepresentationSet,
    checkedAt: 0,
  };
}

let source: StampCounter;
beforeEach(() => {
  source = new StampCounter({});
});

describe('PageCache with a healthy change feed', () => {
  it('a covered response › sent without a single stamp, however old its check', () => {
    const cache = new PageCache(source, { changes: feed() });
    cache.store('GET /', variant(['/index.shtml', '/inc/nav.html']));
    expect(cache.lookup('GET /', {}, 1e12)).toBeDefined();
    expect(source.stamped).toBe(0);
  });

  it('a file it rests on reported changed › dropped at once', () => {
    const cache = new PageCache(source, { changes: feed() });
    cache.store('GET /', variant(['/index.shtml', '/inc/nav.html']));
    cache.store('GET /other', variant(['/other.shtml']));
    expect(cache.invalidate(['/inc/nav.html'])).toBe(1);
    expect(cache.lookup('GET /', {}, 0)).toBeUndefined();
    expect(cache.lookup('GET /other', {}, 0)).toBeDefined();
  });

  it('a folder above it reported (renamed or removed) › dropped', () => {
    const cache = new PageCache(source, { changes: feed() });
    cache.store('GET /', variant(['/index.shtml', '/inc/a/b/nav.html']));
    expect(cache.invalidate(['/inc/a'])).toBe(1);
    expect(cache.lookup('GET /', {}, 0)).toBeUndefined();
  });

  it('a path that only shares a prefix (/inc2 vs /inc) › kept', () => {
    const cache = new PageCache(source, { changes: feed() });
    cache.store('GET /', variant(['/inc/nav.html']));
    expect(cache.invalidate(['/in', '/inc2', '/inc/nav'])).toBe(0);
    expect(cache.lookup('GET /', {}, 0)).toBeDefined();
  });

  it('/ reported (events lost) › everything dropped', () => {
    const cache = new PageCache(source, { changes: feed() });
    cache.store('GET /a', variant(['/a.shtml']));
    cache.store('GET /b', variant(['/b.shtml']));
    expect(cache.invalidate(['/'])).toBe(2);
    expect(cache.bytes).toBe(0);
  });

  it('a change of one of its files reported while it was built › not stored', () => {
    const cache = new PageCache(source, { changes: feed() });
    const mark = cache.changeMark;
    cache.invalidate(['/inc/nav.html']);
    cache.store('GET /', variant(['/index.shtml', '/inc/nav.html']), mark);
    expect(cache.lookup('GET /', {}, 0)).toBeUndefined();
  });

  it('a change of an unrelated file reported while it was built › stored', () => {
    const cache = new PageCache(source, { changes: feed() });
    const mark = cache.changeMark;
    cache.invalidate(['/unrelated.html']);
    cache.store('GET /', variant(['/index.shtml']), mark);
    expect(cache.lookup('GET /', {}, 0)).toBeDefined();
  });

  it('more changes while it was built than the log keeps › not stored', () => {
    const cache = new PageCache(source, { changes: feed() });
    const mark = cache.changeMark;
    for (let change = 0; change < 300; change++) cache.invalidate([`/other/${change}.html`]);
    cache.store('GET /', variant(['/index.shtml']), mark);
    expect(cache.lookup('GET /', {}, 0)).toBeUndefined();
  });

  it('a path behind a symbolic link (not covered) › stamped on each lookup', () => {
    const cache = new PageCache(source, { changes: feed(true, ['/linked/nav.html']) });
    cache.store('GET /', variant(['/index.shtml', '/linked/nav.html']));
    expect(cache.lookup('GET /', {}, 1)).toBeDefined();
    expect(source.stamped).toBe(2);
  });

  it('revalidateWhileWatching › stamped once its window passed', () => {
    const cache = new PageCache(source, {
      changes: feed(),
      revalidateWhileWatching: true,
      revalidateWindow: 1000,
    });
    cache.store('GET /', variant(['/index.shtml']));
    expect(cache.lookup('GET /', {}, 500)).toBeDefined();
    expect(source.stamped).toBe(0);
    source.stamps.set('/index.shtml', { ...STAMP, ctimeMs: 2 });
    expect(cache.lookup('GET /', {}, 1000)).toBeUndefined();
  });

  it('evicted responses › leave the index too (a later change drops nothing)', () => {
    const cache = new PageCache(source, { changes: feed(), maxBytes: 2000 });
    for (let page = 0; page < 20; page++) cache.store(`GET /${page}`, variant([`/${page}.shtml`]));
    expect(cache.invalidate(['/0.shtml'])).toBe(0);
    expect(cache.invalidate(['/19.shtml'])).toBe(1);
  });
});

describe('PageCache where the feed is unhealthy', () => {
  it('the revalidation window applies: stamped once it passed, a changed stamp drops the response', () => {
    const changes = { healthy: true, covers: () => true };
    const cache = new PageCache(source, { changes, revalidateWindow: 1000 });
    cache.store('GET /', variant(['/index.shtml']));
    changes.healthy = false;
    expect(cache.lookup('GET /', {}, 999)).toBeDefined();
    expect(source.stamped).toBe(0);
    source.stamps.set('/index.shtml', { ...STAMP, size: 6 });
    expect(cache.lookup('GET /', {}, 1000)).toBeUndefined();
    expect(source.stamped).toBe(1);
  });
});
