// The pieces that serve big files without holding them: hashing an open file, the per-version ETag map, the
// range stream that refuses to end on changed bytes, and reads limited by size (includes).

import { BodyDigests } from '../../../src/engine/body-digests';
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, symlinkSync, utimesSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { type Readable } from 'node:stream';
import * as fileHash from '../../../src/engine/file-hash';
import { FileEntityTags } from '../../../src/engine/file-entity-tags';
import { FileRangeStream } from '../../../src/engine/file-range-stream';
import { CachingFileSource } from '../../../src/engine/caching-file-source';
import { NodeFileSource } from '../../../src/engine/node-file-source';
import { renderPage } from '../../../src/engine/render';
import { entityTagOf } from '../../../src/engine/validators';
import { fakeDateOnly } from '../../support/fake-date';
import { at, TempSite } from '../../support/temp-site';

const BYTES = Buffer.from(Array.from({ length: 300_000 }, (_, index) => (index * 31) % 256));

let site: TempSite;
const handles: FileHandle[] = [];

beforeEach(() => {
  site = new TempSite();
  site.write('f.bin', BYTES, at(10));
});

afterEach(async () => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  await Promise.all(handles.splice(0).map((handle) => handle.close().catch(() => undefined)));
  site.remove();
});

async function openSite(path: string): Promise<FileHandle> {
  const handle = await open(site.path(path), 'r');
  handles.push(handle);
  return handle;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('hashFile', () => {
  it.each([
    ['300 KB', BYTES],
    ['empty', Buffer.alloc(0)],
    ['exactly one chunk', Buffer.alloc(1024 * 1024, 7)],
  ])('%s › the jshttp etag and the digests of the same bytes in memory', async (_, bytes) => {
    site.write('x.bin', bytes);
    const result = await fileHash.hashFile(await openSite('x.bin'));
    const inMemory = BodyDigests.of(bytes);
    expect(result).toEqual({
      etag: entityTagOf(bytes),
      digests: { 'sha-256': inMemory.field('sha-256'), 'sha-512': inMemory.field('sha-512') },
      bytesRead: bytes.length,
    });
  });
});

describe('FileEntityTags', () => {
  it('the same version twice, and concurrently › hashed once', async () => {
    // Its ctime is now: stand a few seconds later, when its stamp is no longer racy.
    fakeDateOnly(Date.now() + 10_000);
    const hash = jest.spyOn(fileHash, 'hashFile');
    const tags = new FileEntityTags();
    const handle = await openSite('f.bin');
    const stats = await handle.stat();
    const [first, second] = await Promise.all([tags.entityTag(handle, stats), tags.entityTag(handle, stats)]);
    const third = await tags.entityTag(handle, await handle.stat());
    expect([first, second, third]).toEqual([entityTagOf(BYTES), entityTagOf(BYTES), entityTagOf(BYTES)]);
    expect(hash).toHaveBeenCalledTimes(1);
    expect(tags.size).toBe(1);
  });

  it('a file that changed after its stat was taken › no tag, and nothing kept', async () => {
    const tags = new FileEntityTags();
    const handle = await openSite('f.bin');
    const stats = await handle.stat();
    utimesSync(site.path('f.bin'), at(20), at(20));
    expect(await tags.entityTag(handle, stats)).toBeUndefined();
    expect(tags.size).toBe(0);
  });

  it('a touched file › a new version, hashed again', async () => {
    const hash = jest.spyOn(fileHash, 'hashFile');
    const tags = new FileEntityTags();
    const handle = await openSite('f.bin');
    await tags.entityTag(handle, await handle.stat());
    utimesSync(site.path('f.bin'), at(20), at(20));
    expect(await tags.entityTag(handle, await handle.stat())).toBe(entityTagOf(BYTES));
    expect(hash).toHaveBeenCalledTimes(2);
  });

  it('more versions than its budget › the oldest are forgotten', async () => {
    const tags = new FileEntityTags({ maxBytes: 1000 });
    const handle = await openSite('f.bin');
    for (let second = 1; second <= 20; second++) {
      utimesSync(site.path('f.bin'), at(second), at(second));
      await tags.entityTag(handle, await handle.stat());
    }
    expect(tags.size).toBeLessThan(10);
  });
});

describe('FileRangeStream', () => {
  const unchanged = async () => true;

  it('a range › exactly its bytes, and the file is closed at the end', async () => {
    const handle = await openSite('f.bin');
    const close = jest.spyOn(handle, 'close');
    const stream = new FileRangeStream(handle, {
      start: 1000,
      end: 250_000,
      isUnchanged: unchanged,
      label: '/f',
    });
    expect(Buffer.compare(await collect(stream), BYTES.subarray(1000, 250_001))).toBe(0);
    expect(close).toHaveBeenCalled();
  });

  it('no bytes (an empty file) › an empty stream', async () => {
    const handle = await openSite('f.bin');
    const stream = new FileRangeStream(handle, { start: 0, end: -1, isUnchanged: unchanged, label: '/f' });
    expect((await collect(stream)).length).toBe(0);
  });

  it('a file that changed while it was read › an error before the last chunk', async () => {
    const handle = await openSite('f.bin');
    const stream = new FileRangeStream(handle, {
      start: 0,
      end: BYTES.length - 1,
      isUnchanged: async () => false,
      label: '/f.bin',
    });
    const received: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => received.push(chunk));
    await expect(
      new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject)),
    ).rejects.toThrow('/f.bin changed while it was being sent');
    expect(Buffer.concat(received).length).toBeLessThan(BYTES.length);
  });

  it('a file truncated while it was read › an error, never a short end', async () => {
    const handle = await openSite('f.bin');
    const fd = openSync(site.path('f.bin'), 'r+');
    ftruncateSync(fd, 1000);
    closeSync(fd);
    const stream = new FileRangeStream(handle, {
      start: 0,
      end: BYTES.length - 1,
      isUnchanged: unchanged,
      label: '/f.bin',
    });
    await expect(collect(stream)).rejects.toThrow('/f.bin shrank while it was being sent');
  });
});

describe('an include bigger than maxOutputBytes', () => {
  it('› refused with the output-limit diagnostic before it is read', async () => {
    site.write('page.shtml', 'before<!--#include file="big.txt" -->after');
    const fd = openSync(site.path('big.txt'), 'w');
    ftruncateSync(fd, 3 * 1024 ** 3);
    closeSync(fd);
    const inner = new NodeFileSource(site.root);
    const read = jest.spyOn(inner, 'read');
    const source = new CachingFileSource(inner);
    const result = await renderPage(
      { path: '/page.shtml' },
      { source, limits: { maxOutputBytes: 1024 * 1024 } },
    );
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.body.toString()).toBe('before[an error occurred while processing this directive]');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['output-limit']);
    // The source answered from its fstat: a 3 GB read would have failed (fs.readFile stops at 2 GiB).
    const answers = await Promise.all(
      read.mock.results.map((call) => call.value as Promise<{ status: string }>),
    );
    expect(answers.map((answer) => answer.status)).toEqual(['found', 'too-large']);
    expect(source.bytes).toBeLessThan(1024);
    expect(result.dependencies.map((d) => d.path)).toContain('/big.txt');
  });

  it('› the same without the file cache (NodeFileSource answers from its fstat)', async () => {
    site.write('page.shtml', '<!--#include file="big.txt" -->');
    site.write('big.txt', 'x'.repeat(2000));
    const result = await renderPage(
      { path: '/page.shtml' },
      { source: new NodeFileSource(site.root), limits: { maxOutputBytes: 1000 } },
    );
    expect(result.status === 'ok' && result.diagnostics.map((d) => d.code)).toEqual(['output-limit']);
  });

  it('› a file that fits is included as before', async () => {
    site.write('page.shtml', '<!--#include file="small.txt" -->');
    site.write('small.txt', 'x'.repeat(1000));
    const result = await renderPage(
      { path: '/page.shtml' },
      { source: new NodeFileSource(site.root), limits: { maxOutputBytes: 1000 } },
    );
    expect(result.status === 'ok' && result.body.toString()).toBe('x'.repeat(1000));
  });
});

describe('NodeFileSource.open', () => {
  it('a file › its handle and the fstat of that handle', async () => {
    const opened = await new NodeFileSource(site.root).open('/f.bin');
    expect(opened.status).toBe('found');
    if (opened.status !== 'found') return;
    handles.push(opened.handle);
    expect(opened.stats.size).toBe(BYTES.length);
    expect(opened.realPath).toBe(site.path('f.bin'));
  });

  it.each([
    ['a missing file', '/nope.bin', 'missing'],
    ['a symlink out of the root', '/out', 'forbidden'],
    ['a FIFO (refused without waiting for a writer)', '/fifo', 'forbidden'],
  ])('%s › %s', async (_, path, status) => {
    symlinkSync('/etc/hostname', site.path('out'));
    execFileSync('mkfifo', [site.path('fifo')]);
    expect((await new NodeFileSource(site.root).open(path)).status).toBe(status);
  });
});
