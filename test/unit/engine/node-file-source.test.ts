// NodeFileSource's confinement: symlinks inside the root work, out of it are refused, and a folder swapped for a
// symlink between any two file-system calls never yields a byte, a size or a listing from outside the root.

import {
  closeSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  type ConfinedRoot,
  confineRoot,
  lookupConfined,
  lookupConfinedSync,
  openConfined,
  openConfinedSync,
  READ_FLAGS,
} from '../../../src/engine/confined-open';
import { CachingFileSource } from '../../../src/engine/caching-file-source';
import { isSameStamp, missingStamp } from '../../../src/engine/file-stamp';
import { NodeFileSource } from '../../../src/engine/node-file-source';
import { TempSite } from '../../support/temp-site';

// Runs after every call of the wrapped node:fs functions: the test swaps a folder there, the worst moment.
const mockAfterCall: { hook: () => void } = { hook: () => undefined };

jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<Record<string, unknown>>('node:fs/promises');
  const wrapped: Record<string, unknown> = { ...actual };
  for (const name of ['open', 'realpath', 'readlink', 'stat', 'lstat', 'readdir']) {
    const original = actual[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await original(...args);
      } finally {
        mockAfterCall.hook();
      }
    };
  }
  return wrapped;
});

jest.mock('node:fs', () => {
  const actual = jest.requireActual<Record<string, unknown>>('node:fs');
  const wrapped: Record<string, unknown> = { ...actual };
  for (const name of ['openSync', 'realpathSync', 'readlinkSync', 'fstatSync', 'statSync']) {
    const original = actual[name] as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => {
      try {
        return original(...args);
      } finally {
        mockAfterCall.hook();
      }
    };
  }
  return wrapped;
});

let site: TempSite;
let outside: TempSite;

beforeEach(() => {
  outside = new TempSite().write('data/f.txt', 'OUTSIDE SECRET, 37 bytes long.......');
  site = new TempSite().write('data/f.txt', 'inside').write('page.html', 'page');
  symlinkSync(site.path('page.html'), site.path('link-in.html'));
  symlinkSync(site.path('data'), site.path('dir-in'));
  symlinkSync(outside.path('data/f.txt'), site.path('link-out.txt'));
  symlinkSync(outside.path('data'), site.path('dir-out'));
});

afterEach(() => {
  mockAfterCall.hook = () => undefined;
  site.remove();
  outside.remove();
});

describe('symlinks', () => {
  it.each([['/link-in.html'], ['/dir-in/f.txt']])(
    '%s, inside the root › found by every access',
    async (path) => {
      const source = new NodeFileSource(site.root);
      expect(await new NodeFileSource(site.root, { blocking: true }).read(path)).toMatchObject({
        status: 'found',
        bytes: Buffer.from(path === '/link-in.html' ? 'page' : 'inside'),
      });
      expect(await source.read(path)).toMatchObject({ status: 'found' });
      expect(await source.stat(path)).toMatchObject({ status: 'found' });
      expect(source.statSync(path)).toMatchObject({ status: 'found' });
      const opened = await source.open(path);
      expect(opened.status).toBe('found');
      if (opened.status === 'found') await opened.handle.close();
    },
  );

  it.each([['/link-out.txt'], ['/dir-out/f.txt'], ['/dir-out']])(
    '%s, out of the root › forbidden by every access',
    async (path) => {
      const source = new NodeFileSource(site.root);
      expect(await new NodeFileSource(site.root, { blocking: true }).read(path)).toEqual({
        status: 'forbidden',
      });
      expect(await source.read(path)).toEqual({ status: 'forbidden' });
      expect(await source.stat(path)).toEqual({ status: 'forbidden' });
      expect(source.statSync(path)).toEqual({ status: 'forbidden' });
      expect(await source.open(path)).toEqual({ status: 'forbidden' });
      expect(await source.readDirectory(path)).toEqual({ status: 'forbidden' });
    },
  );
});

describe('open', () => {
  it('a file › a readable handle, its stats and its real path; the caller closes it', async () => {
    const opened = await new NodeFileSource(site.root).open('/link-in.html');
    if (opened.status !== 'found') throw new Error(`expected found, got ${opened.status}`);
    try {
      expect(opened.realPath).toBe(join(new NodeFileSource(site.root).root, 'page.html'));
      expect(opened.stats.size).toBe(4);
      expect((await opened.handle.readFile()).toString()).toBe('page');
    } finally {
      await opened.handle.close();
    }
  });

  it('a directory › found, a directory', async () => {
    const opened = await new NodeFileSource(site.root).open('/data');
    expect(opened.status === 'found' && opened.stats.isDirectory()).toBe(true);
    if (opened.status === 'found') await opened.handle.close();
  });

  it('a missing path › missing', async () => {
    expect(await new NodeFileSource(site.root).open('/nope.txt')).toEqual({ status: 'missing' });
  });
});

describe('a folder swapped for a symlink out of the root after every file-system call', () => {
  /** Swaps /data between the real folder and a symlink to the outside folder each time it is called. */
  function swapper(): { swaps: () => number } {
    mkdirSync(site.path('.stash'));
    symlinkSync(outside.path('data'), site.path('.stash/link'));
    let linked = false;
    let swaps = 0;
    mockAfterCall.hook = () => {
      const data = site.path('data');
      renameSync(data, site.path(linked ? '.stash/link' : '.stash/real'));
      renameSync(site.path(linked ? '.stash/real' : '.stash/link'), data);
      linked = !linked;
      swaps++;
    };
    return { swaps: () => swaps };
  }

  it('read, open, stat, statSync, readDirectory › never the outside bytes, size or names', async () => {
    const source = new NodeFileSource(site.root);
    const blocking = new NodeFileSource(site.root, { blocking: true });
    const racer = swapper();
    const outcomes = new Set<string>();
    for (let round = 0; round < 40; round++) {
      const content = await source.read('/data/f.txt');
      if (content.status === 'found') expect(content.bytes.toString()).toBe('inside');
      const blocked = await blocking.read('/data/f.txt');
      if (blocked.status === 'found') expect(blocked.bytes.toString()).toBe('inside');
      const lookup = await source.stat('/data/f.txt');
      if (lookup.status === 'found') expect(lookup.info.size).toBe(6);
      const lookupSync = source.statSync('/data/f.txt');
      if (lookupSync.status === 'found') expect(lookupSync.info.size).toBe(6);
      const opened = await source.open('/data/f.txt');
      if (opened.status === 'found') {
        expect(opened.stats.size).toBe(6);
        await opened.handle.close();
      }
      const listing = await source.readDirectory('/data');
      if (listing.status === 'found') expect(listing.entries.map((entry) => entry.name)).toEqual(['f.txt']);
      [content, lookup, lookupSync, opened, listing].forEach((answer) => outcomes.add(answer.status));
    }
    expect(racer.swaps()).toBeGreaterThan(100);
    // Both sides of the race were seen: answers from inside, and refusals of the outside.
    expect(outcomes).toEqual(new Set(['found', 'forbidden']));
  });
});

/** The ways confineRoot may verify, forced, so each is tested on this (Linux) machine. */
const MODES: [string, (root: ConfinedRoot) => ConfinedRoot][] = [
  ['O_PATH and /proc/self/fd', (root) => root],
  ['O_NONBLOCK and /proc/self/fd', (root) => ({ ...root, lookupFlags: READ_FLAGS, lookupNeverWaits: false })],
  [
    'no /proc (device and inode compared)',
    (root) => ({ ...root, procFd: false, lookupFlags: READ_FLAGS, lookupNeverWaits: false }),
  ],
];

describe.each(MODES)('confined opens with %s', (_mode, force) => {
  it.each([
    ['/link-in.html', 'found'],
    ['/dir-in/f.txt', 'found'],
    ['/link-out.txt', 'forbidden'],
    ['/dir-out/f.txt', 'forbidden'],
    ['/nope', 'missing'],
  ])('%s › %s', async (path, status) => {
    const root = force(confineRoot(site.root));
    const opened = await openConfined(root, path);
    if (opened.status === 'found') await opened.handle.close();
    expect(opened.status).toBe(status);
    expect((await lookupConfined(root, path)).status).toBe(status);
    expect(lookupConfinedSync(root, path).status).toBe(status);
    const openedSync = openConfinedSync(root, path);
    if (openedSync.status === 'found') closeSync(openedSync.handle);
    expect(openedSync.status).toBe(status);
  });
});

describe.each(MODES.slice(0, 2))(
  'confined opens with %s, a folder swapped after every call',
  (_mode, force) => {
    it('› never the outside bytes or size', async () => {
      const root = force(confineRoot(site.root));
      mkdirSync(site.path('.stash'));
      symlinkSync(outside.path('data'), site.path('.stash/link'));
      let linked = false;
      mockAfterCall.hook = () => {
        renameSync(site.path('data'), site.path(linked ? '.stash/link' : '.stash/real'));
        renameSync(site.path(linked ? '.stash/real' : '.stash/link'), site.path('data'));
        linked = !linked;
      };
      for (let round = 0; round < 40; round++) {
        const opened = await openConfined(root, '/data/f.txt');
        if (opened.status === 'found') {
          expect((await opened.handle.readFile()).toString()).toBe('inside');
          await opened.handle.close();
        }
        const lookup = await lookupConfined(root, '/data/f.txt');
        if (lookup.status === 'found') expect(lookup.stats.size).toBe(6);
        const openedSync = openConfinedSync(root, '/data/f.txt');
        if (openedSync.status === 'found') {
          expect(readFileSync(openedSync.handle, 'utf8')).toBe('inside');
          closeSync(openedSync.handle);
        }
      }
    });
  },
);

describe('stamps', () => {
  it('two stamps alike but for the device › not the same file', () => {
    const stamp = { kind: 'file' as const, size: 1, mtimeMs: 1, ctimeMs: 1, dev: 1, ino: 7 };
    expect(isSameStamp(stamp, { ...stamp })).toBe(true);
    expect(isSameStamp(stamp, { ...stamp, dev: 2 })).toBe(false);
  });

  it('a path with . or .. segments › stamped as join resolves it, by name, not through a symlink', () => {
    // `/link/..` is the root by name, but `sub` to the kernel: the two b.html differ in size.
    writeFileSync(site.path('b.html'), 'b');
    mkdirSync(site.path('sub/deeper'), { recursive: true });
    writeFileSync(site.path('sub/b.html'), 'bb');
    symlinkSync(site.path('sub/deeper'), site.path('link'));
    const source = new NodeFileSource(site.root);
    for (const path of ['/link/../b.html', '/./b.html', '//b.html', '/sub/deeper/../../b.html'])
      expect(source.stampSync(path)).toMatchObject({ kind: 'file', size: 1 });
    expect(source.stampSync('/link/..')).toMatchObject({ kind: 'directory', ino: statSync(site.root).ino });
    expect(source.stampSync('/sub/b.html')).toMatchObject({ kind: 'file', size: 2 });
  });

  it('a file swapped in from outside › another stamp, so a cached answer is never reused for it', () => {
    const source = new NodeFileSource(site.root);
    const before = source.stampSync('/data/f.txt');
    writeFileSync(outside.path('data/f.txt'), 'inside');
    renameSync(site.path('data'), site.path('data-real'));
    symlinkSync(outside.path('data'), site.path('data'));
    expect(isSameStamp(before, source.stampSync('/data/f.txt'))).toBe(false);
    expect(isSameStamp(missingStamp(), source.stampSync('/data/f.txt'))).toBe(false);
  });

  it('a cached file, then its folder swapped for a symlink to a twin outside › refused, not the cached answer', async () => {
    const source = new CachingFileSource(new NodeFileSource(site.root));
    expect(await source.read('/data/f.txt')).toMatchObject({ status: 'found' });
    expect(await source.stat('/data/f.txt')).toMatchObject({ status: 'found' });
    // The twin outside has the same bytes, size and mtime: only the device and inode tell them apart.
    const { mtime } = statSync(site.path('data/f.txt'));
    writeFileSync(outside.path('data/f.txt'), 'inside');
    utimesSync(outside.path('data/f.txt'), mtime, mtime);
    renameSync(site.path('data'), site.path('data-real'));
    symlinkSync(outside.path('data'), site.path('data'));
    expect(await source.read('/data/f.txt')).toEqual({ status: 'forbidden' });
    expect(await source.stat('/data/f.txt')).toEqual({ status: 'forbidden' });
    expect(source.statSync('/data/f.txt')).toEqual({ status: 'forbidden' });
  });
});
