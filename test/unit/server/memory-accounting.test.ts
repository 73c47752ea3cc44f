// The byte accounting of the bounded caches: keys, header values, stamped paths and header strings are counted,
// eviction is by those bytes, and no body keeps more memory alive than it is counted for.

import { CachingFileSource } from '../../../src/engine/caching-file-source';
import { type FileStamp } from '../../../src/engine/file-stamp';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { OutputBuffer } from '../../../src/engine/render-state';
import { MemoryLedgerStore } from '../../../src/engine/memory-ledger-store';
import { datePage } from '../../../src/engine/validator-ledger';
import { BodyDigests } from '../../../src/engine/body-digests';
import { compressBody } from '../../../src/server/body-compression';
import { type CachedVariant, costOf, PageCache } from '../../../src/server/page-cache';
import { type Representation } from '../../../src/server/representation';
import { RepresentationSet } from '../../../src/server/representation-set';
import { stringBytes } from '../../../src/ssi/string-bytes';

const KB8 = 'x'.repeat(8192);
const STAMP: FileStamp = { kind: 'file', size: 5, mtimeMs: 0, ctimeMs: 0, dev: 1, ino: 1 };

function representation(body: string, extra: Partial<Representation> = {}): Representation {
  return {
    body: Buffer.from(body),
    digests: BodyDigests.of(Buffer.from(body)),
    contentType: 'text/html',
    etag: '"5-abc"',
    lastModified: 0,
    strongFrom: 0,
    cacheControl: 'public, max-age=0',
    vary: undefined,
    ...extra,
  };
}

function variant(options: {
  body?: string;
  headers?: Array<readonly [string, string | undefined]>;
  stamps?: Array<readonly [string, FileStamp]>;
  identity?: Partial<Representation>;
}): CachedVariant {
  return {
    headers: options.headers ?? [],
    stamps: options.stamps ?? [['/p.shtml', STAMP]],
    representations: new RepresentationSet(representation(options.body ?? 'hello', options.identity), false),
    checkedAt: 0,
  };
}

describe('stringBytes', () => {
  it.each([
    ['', 16],
    ['/a?b', 20],
    ['é', 17],
    ['€', 18],
  ])('%j › %d bytes (header + 1 byte per Latin-1 character, 2 otherwise)', (text, bytes) => {
    expect(stringBytes(text)).toBe(bytes);
  });
});

describe('render cache accounting (costOf)', () => {
  it('an 8 KB key › counted in full on top of the same response under a short key', () => {
    const response = [variant({})];
    expect(costOf(`/p.shtml?${KB8}`, response) - costOf('/p.shtml', response)).toBe(8192 + 1);
  });

  it('the value of a header the page read › counted in full', () => {
    const plain = costOf('/p', [variant({ headers: [['accept-language', 'fr']] })]);
    const long = costOf('/p', [variant({ headers: [['accept-language', KB8]] })]);
    expect(long - plain).toBe(8192 - 2);
  });

  it('stamped paths › each counted with its length', () => {
    const one = costOf('/p', [variant({ stamps: [['/p.shtml', STAMP]] })]);
    const two = costOf('/p', [
      variant({
        stamps: [
          ['/p.shtml', STAMP],
          [`/${KB8}`, STAMP],
        ],
      }),
    ]);
    expect(two - one).toBeGreaterThan(8192);
  });

  it('CDN tag fields › counted with the representation', () => {
    const bare = costOf('/p', [variant({})]);
    const tagged = costOf('/p', [variant({ identity: { cdnHeaders: [['Surrogate-Key', KB8]] } })]);
    expect(tagged - bare).toBeGreaterThan(8192);
  });

  it('each variant › counted once per key with its own body', () => {
    const one = costOf('/p', [variant({})]);
    const two = costOf('/p', [variant({}), variant({ body: 'x'.repeat(1000) })]);
    expect(two - one).toBeGreaterThan(one - stringBytes('/p') + 1000 - 'hello'.length - 200);
  });
});

describe('PageCache', () => {
  const source = new CachingFileSource(new MemoryFileSource({ '/p.shtml': { content: 'hello' } }));

  it('distinct 8 KB query strings › evicted by their key bytes, the total never past the budget', () => {
    const cache = new PageCache(source, { maxBytes: 100 * 1024, revalidateWindow: 1e9 });
    for (let index = 0; index < 200; index++) cache.store(`/p.shtml?${index}${KB8}`, variant({}));
    expect(cache.bytes).toBeLessThanOrEqual(100 * 1024);
    // Each entry costs more than its key: at most 12 of them fit in 100 KB.
    let kept = 0;
    for (let index = 0; index < 200; index++)
      if (cache.lookup(`/p.shtml?${index}${KB8}`, {}, 0) !== undefined) kept++;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(12);
  });

  it('distinct 8 KB header values under one key › counted, so the budget still holds', () => {
    const cache = new PageCache(source, { maxBytes: 64 * 1024 });
    for (let index = 0; index < 32; index++)
      cache.store('/p.shtml', variant({ headers: [['accept-language', `${index}${KB8}`]] }));
    expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('RepresentationSet bytes', () => {
  it('a body that is a slice of a large buffer › counts the whole buffer it keeps alive', () => {
    const large = Buffer.alloc(1024 * 1024);
    const slice = new RepresentationSet({ ...representation(''), body: large.subarray(0, 10) }, false);
    expect(slice.bytes).toBeGreaterThanOrEqual(1024 * 1024);
  });
});

describe('buffers that are kept', () => {
  it.each([
    ['inline (small)', 100],
    ['on the threadpool (over 64 KiB)', 10000],
  ])('a compressed body, %s › has memory of its own size, not zlib’s output chunk', async (_, copies) => {
    const body = Buffer.from('<p>text</p>'.repeat(copies));
    const encoded = await compressBody(body, 'gzip');
    expect(encoded.buffer.byteLength).toBe(encoded.length);
    const brotli = await compressBody(body, 'br');
    expect(brotli.buffer.byteLength).toBe(brotli.length);
  });

  it('a rendered page of several chunks › not carved from the shared 8 KiB pool', () => {
    const output = new OutputBuffer(1 << 20);
    output.append(Buffer.from('<p>'));
    output.append(Buffer.from('hi</p>'));
    const body = output.toBuffer();
    expect(body.toString()).toBe('<p>hi</p>');
    expect(body.buffer.byteLength).toBe(body.length);
  });
});

describe('MemoryLedgerStore bytes', () => {
  const date = (store: MemoryLedgerStore, page: string, etag: string, computed: number, now: number) =>
    store.transact(page, (record) =>
      datePage(record, { page, variant: '', etag, computed, changedAt: 0, now }),
    );

  it('distinct 8 KB page paths › the ledger stays within its byte budget', async () => {
    const store = new MemoryLedgerStore(256 * 1024);
    for (let index = 0; index < 1000; index++) await date(store, `/p${index}${KB8}`, '"a"', 5000, 9000);
    expect(store.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(store.bytes).toBeGreaterThan(200 * 1024);
  });

  it('past its budget › the least recently used page is forgotten and met as for the first time', async () => {
    const store = new MemoryLedgerStore(
      3 * (160 + 120 + stringBytes('/a') + stringBytes('') + stringBytes('"a"')),
    );
    for (const page of ['/a', '/b', '/c', '/a', '/d'])
      await date(store, page, `"${page.slice(1)}"`, 5000, 9000);
    // '/b' was the least recently used: its new bytes are dated by their files, as on first contact.
    expect(await date(store, '/b', '"e"', 4000, 20_000)).toMatchObject({ lastModified: 4000 });
    // '/a' was kept: new bytes without a newer date get the current second.
    expect(await date(store, '/a', '"a2"', 4000, 20_000)).toMatchObject({ lastModified: 20_000 });
  });
});
