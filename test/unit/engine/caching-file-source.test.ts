// The byte-bounded LRU, the fragment cache (same Buffer while unchanged, racy stamps verified by bytes, stamps and
// one read per path per render) and the token cache.

import { ByteLru } from '../../../src/engine/byte-lru';
import { CachingFileSource } from '../../../src/engine/caching-file-source';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { TIMESTAMP_GRANULARITY_MS } from '../../../src/engine/racy-stamp';
import { tokenizeCached } from '../../../src/engine/token-cache';
import { DEFAULT_TAGS } from '../../../src/ssi/tokenizer';
import { CoarseFileSource } from '../../support/coarse-file-source';

describe('ByteLru', () => {
  it('past its budget › evicts the least recently used entries by bytes, not by count', () => {
    const lru = new ByteLru<string, string>(100);
    lru.set('a', 'a', 40);
    lru.set('b', 'b', 40);
    lru.get('a');
    lru.set('c', 'c', 40);
    expect([lru.peek('a'), lru.peek('b'), lru.peek('c')]).toEqual(['a', undefined, 'c']);
    expect(lru.bytes).toBe(80);
  });

  it('a value larger than the budget › not stored; resize past it › dropped', () => {
    const lru = new ByteLru<string, string>(100);
    lru.set('huge', 'x', 101);
    expect(lru.size).toBe(0);
    lru.set('a', 'a', 10);
    lru.resize('a', 200);
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
  });

  // A hit on the youngest entry skips the move; these pin that the order stays exactly least recently used.
  it('hits on the youngest entry, then others › the order is exactly the order of use', () => {
    const lru = new ByteLru<string, string>(100);
    for (const key of ['a', 'b', 'c']) lru.set(key, key, 10);
    lru.get('c');
    lru.get('c');
    lru.get('a');
    lru.get('a');
    lru.get('b');
    expect(lru.keys()).toEqual(['c', 'a', 'b']);
  });

  it('the youngest deleted, replaced, evicted or cleared › the next hit still moves its key to the young end', () => {
    const lru = new ByteLru<string, string>(30);
    for (const key of ['a', 'b', 'c']) lru.set(key, key, 10);
    lru.delete('c');
    lru.get('a');
    expect(lru.keys()).toEqual(['b', 'a']);
    lru.set('a', 'a2', 40); // over the budget: the youngest leaves
    lru.get('b');
    lru.set('d', 'd', 10);
    lru.get('b');
    expect(lru.keys()).toEqual(['d', 'b']);
    lru.resize('b', 31); // over the budget: dropped
    lru.set('e', 'e', 10);
    lru.get('d');
    expect(lru.keys()).toEqual(['e', 'd']);
    lru.clear();
    lru.set('f', 'f', 10);
    lru.set('g', 'g', 10);
    lru.get('f');
    expect(lru.keys()).toEqual(['g', 'f']);
  });

  it('the youngest entry hit while the budget is full › the oldest, not it, is evicted next; a later hit moves it past the newcomer', () => {
    const lru = new ByteLru<string, string>(30);
    for (const key of ['a', 'b', 'c']) lru.set(key, key, 10);
    lru.get('a');
    lru.get('a');
    lru.set('d', 'd', 10);
    expect(lru.keys()).toEqual(['c', 'a', 'd']);
    lru.get('a');
    expect(lru.keys()).toEqual(['c', 'd', 'a']);
  });
});

describe('CachingFileSource', () => {
  it('an unchanged file › the same Buffer, read once from the inner source', async () => {
    const inner = new MemoryFileSource({ '/f.html': { content: 'F', mtimeMs: 1000 } });
    const read = jest.spyOn(inner, 'read');
    const source = new CachingFileSource(inner);
    const first = await source.read('/f.html');
    const second = await source.read('/f.html');
    expect(first.status === 'found' && second.status === 'found' && first.bytes === second.bytes).toBe(true);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('a rewrite with the same size and mtime › the new bytes', async () => {
    const inner = new MemoryFileSource({ '/f.html': { content: 'F', mtimeMs: 1000 } });
    const source = new CachingFileSource(inner);
    await source.read('/f.html');
    inner.write('/f.html', 'G', 1000);
    const again = await source.read('/f.html');
    expect(again.status === 'found' && again.bytes.toString()).toBe('G');
  });

  it('a recording view › stamps every path used, missing ones included', async () => {
    const source = new CachingFileSource(
      new MemoryFileSource({ '/f.html': { content: 'F', mtimeMs: 1000 } }),
    );
    const view = source.recordingView();
    await view.read('/f.html');
    await view.stat('/nope.html');
    expect([...view.stamps.keys()]).toEqual(['/f.html', '/nope.html']);
    expect(view.stamps.get('/nope.html')?.kind).toBe('missing');
    expect(view.isCacheable).toBe(true);
  });

  it('a budget of 0 › nothing kept, every read goes to the inner source', async () => {
    const inner = new MemoryFileSource({ '/f.html': { content: 'F', mtimeMs: 1000 } });
    const read = jest.spyOn(inner, 'read');
    const source = new CachingFileSource(inner, { maxBytes: 0 });
    await source.read('/f.html');
    await source.read('/f.html');
    expect(read).toHaveBeenCalledTimes(2);
  });
});

describe('tokenizeCached', () => {
  it('the same Buffer twice › the same frozen token list; an equal copy › scanned again', () => {
    const bytes = Buffer.from('a<!--#echo var="X" -->b');
    const tokens = tokenizeCached(bytes, DEFAULT_TAGS);
    expect(tokenizeCached(bytes, DEFAULT_TAGS)).toBe(tokens);
    expect(Object.isFrozen(tokens)).toBe(true);
    expect(tokenizeCached(Buffer.from(bytes), DEFAULT_TAGS)).not.toBe(tokens);
    expect(tokenizeCached(bytes, { start: '<%', end: '%>' })).not.toBe(tokens);
  });
});

describe('CachingFileSource on a file system with coarse timestamps', () => {
  /** A one-second file system and a clock the test moves by hand. */
  function coarse(startMs = 1_700_000_000_000) {
    let now = startMs;
    const inner = new CoarseFileSource(() => now);
    const source = new CachingFileSource(inner, { clock: () => now });
    return { inner, source, advance: (ms: number) => (now += ms) };
  }

  async function text(source: CachingFileSource, path: string): Promise<string | undefined> {
    const content = await source.read(path);
    return content.status === 'found' ? content.bytes.toString() : undefined;
  }

  it('a same-size rewrite within the tick of the read › the new bytes, though the stamp is the same', async () => {
    const { inner, source, advance } = coarse();
    inner.put('/f.html', 'old');
    const stamp = inner.stampSync('/f.html');
    expect(await text(source, '/f.html')).toBe('old');
    advance(300);
    inner.put('/f.html', 'new');
    expect(inner.stampSync('/f.html')).toEqual(stamp);
    expect(await text(source, '/f.html')).toBe('new');
  });

  it('a racy entry whose bytes did not change › the same Buffer (the token cache keeps hitting)', async () => {
    const { inner, source } = coarse();
    inner.put('/f.html', 'same');
    const first = await source.read('/f.html');
    const second = await source.read('/f.html');
    expect(first.status === 'found' && second.status === 'found' && first.bytes === second.bytes).toBe(true);
  });

  it('racy entries › verified by their bytes until a read a whole tick later, then trusted by the stamp', async () => {
    const { inner, source, advance } = coarse();
    inner.put('/f.html', 'v');
    const read = jest.spyOn(inner, 'read');
    await source.read('/f.html');
    await source.read('/f.html');
    expect(read).toHaveBeenCalledTimes(2);
    advance(TIMESTAMP_GRANULARITY_MS + 1000);
    await source.read('/f.html');
    expect(read).toHaveBeenCalledTimes(3);
    await source.read('/f.html');
    await source.read('/f.html');
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('a file stamped in the future (a clock ahead of ours) › racy until our clock passes it', async () => {
    let now = 1_700_000_000_000;
    const inner = new CoarseFileSource(() => now + 60_000);
    const source = new CachingFileSource(inner, { clock: () => now });
    inner.put('/f.html', 'old');
    await source.read('/f.html');
    inner.put('/f.html', 'new');
    expect(await text(source, '/f.html')).toBe('new');
    now += 10_000;
    expect(source.isRacy(inner.stampSync('/f.html'), now)).toBe(true);
  });

  it('a render resting on a racy stamp › not cacheable; the same render a tick later › cacheable', async () => {
    const { inner, source, advance } = coarse();
    inner.put('/f.html', 'v');
    const racy = source.recordingView();
    await racy.read('/f.html');
    expect(racy.isCacheable).toBe(false);
    advance(TIMESTAMP_GRANULARITY_MS);
    const settled = source.recordingView();
    await settled.read('/f.html');
    expect(settled.isCacheable).toBe(true);
  });
});

describe('RecordingFileSource', () => {
  it('a path read twice while it is rewritten › the second read gets the bytes of the first', async () => {
    const inner = new MemoryFileSource({ '/f.html': { content: 'one', mtimeMs: 1000 } });
    const view = new CachingFileSource(inner).recordingView();
    const first = await view.read('/f.html');
    inner.write('/f.html', 'two', 2000);
    const second = await view.read('/f.html');
    expect(second).toBe(first);
  });

  it('a second read with a smaller limit › too-large from the first bytes; renew() › reads afresh', async () => {
    const inner = new MemoryFileSource({ '/f.html': { content: 'twelve bytes', mtimeMs: 1000 } });
    const view = new CachingFileSource(inner).recordingView();
    await view.read('/f.html');
    expect((await view.read('/f.html', 4)).status).toBe('too-large');
    inner.write('/f.html', 'new', 2000);
    view.renew();
    const fresh = await view.read('/f.html');
    expect(fresh.status === 'found' && fresh.bytes.toString()).toBe('new');
  });
});
