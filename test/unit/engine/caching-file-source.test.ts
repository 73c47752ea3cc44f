// The byte-bounded LRU, the fragment cache (same Buffer while unchanged, stamps per render) and the token cache.

import { ByteLru } from '../../../src/engine/byte-lru';
import { CachingFileSource } from '../../../src/engine/caching-file-source';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { tokenizeCached } from '../../../src/engine/token-cache';
import { DEFAULT_TAGS } from '../../../src/ssi/tokenizer';

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
