// Opens a path below a real root and proves from the open descriptor itself that what was opened lies inside
// the root and is a regular file or a directory: open first, check after, so no swap in between can mislead.

import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { type FileHandle, open, readlink, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** A path that is not there, or that must not be served (outside the root, a special file, unreadable). */
export type ConfinedFailure = { status: 'missing' } | { status: 'forbidden' };

/** What a confined open found: the open descriptor, its stats, and where the kernel says it lies. */
export type Confined<T> = { status: 'found'; handle: T; stats: Stats; realPath: string } | ConfinedFailure;

/** A docroot resolved once, with the way this system can name an open descriptor. */
export interface ConfinedRoot {
  readonly realRoot: string;
  /** `realRoot`, and `realRoot` with a separator, as bytes: names are compared as the kernel gives them. */
  readonly rootBytes: Buffer;
  readonly prefix: Buffer;
  /** Whether /proc/self/fd/N names what descriptor N has open (Linux). */
  readonly procFd: boolean;
  /** Flags of an open that only looks (fstat), never reads. */
  readonly lookupFlags: number;
  /** Whether that open is O_PATH, which never waits (no device is opened, no FIFO writer awaited). */
  readonly lookupNeverWaits: boolean;
}

// O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer (fstat then refuses
// it); it changes nothing for regular files. O_NOCTTY: a terminal device can never become ours.
/** Flags of an open for reading. */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0);

// Linux's O_PATH (the same number on every architecture Node supports there; node:fs does not export it): a
// descriptor that names a file without opening it, so a device's open handler never runs, no read permission
// is needed, and fstat and /proc/self/fd still work on it.
const LINUX_O_PATH = 0o10000000;

/**
 * Resolves `root` and learns how to verify descriptors on this system: /proc/self/fd when it names an open
 * descriptor correctly, else a comparison of device and inode with the real path (see comparedRealPath).
 */
export function confineRoot(root: string): ConfinedRoot {
  const realRoot = realpathSync(root);
  const prefix = Buffer.from(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  const probe = (flags: number): boolean => {
    let fd: number | undefined;
    try {
      fd = openSync(realRoot, flags);
      return fstatSync(fd).isDirectory() && readlinkSync(procName(fd)) === realRoot;
    } catch {
      return false;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  const withPath = process.platform === 'linux' && probe(LINUX_O_PATH);
  const procFd = withPath || probe(READ_FLAGS);
  const lookupFlags = withPath ? LINUX_O_PATH : READ_FLAGS;
  return {
    realRoot,
    rootBytes: Buffer.from(realRoot),
    prefix,
    procFd,
    lookupFlags,
    lookupNeverWaits: withPath,
  };
}

/** What a confined lookup found: the stats and real path of a file or directory inside the root. */
export type ConfinedLookup = { status: 'found'; stats: Stats; realPath: string } | ConfinedFailure;

/**
 * Opens the docroot path `path` for reading, verified: inside the root, a regular file or a directory. With
 * O_PATH the file is first only looked at, and then the verified descriptor itself is reopened through
 * /proc/self/fd/N (the same inode, whatever happened to the path meanwhile), so a special file is never opened
 * at all; elsewhere it is opened with O_NONBLOCK and verified before a byte is read. The caller closes it.
 */
export async function openConfined(root: ConfinedRoot, path: string): Promise<Confined<FileHandle>> {
  if (!root.lookupNeverWaits) return openVerified(root, path, READ_FLAGS);
  const looked = openVerifiedSync(root, path, root.lookupFlags);
  if (looked.status !== 'found') return looked;
  try {
    const handle = await open(procName(looked.handle), READ_FLAGS);
    return { ...looked, handle };
  } catch (err) {
    return failure(err);
  } finally {
    closeSync(looked.handle);
  }
}

/**
 * openConfined without the thread pool, for a thread that has nothing else to do meanwhile (a build's render
 * thread): the same verification; the descriptor is open for reading, and the caller closes it.
 */
export function openConfinedSync(root: ConfinedRoot, path: string): Confined<number> {
  if (!root.lookupNeverWaits) return openVerifiedSync(root, path, READ_FLAGS);
  const looked = openVerifiedSync(root, path, root.lookupFlags);
  if (looked.status !== 'found') return looked;
  try {
    return { ...looked, handle: openSync(procName(looked.handle), READ_FLAGS) };
  } catch (err) {
    return failure(err);
  } finally {
    closeSync(looked.handle);
  }
}

/** Looks the docroot path `path` up, verified as openConfined does, without opening it for reading. */
export async function lookupConfined(root: ConfinedRoot, path: string): Promise<ConfinedLookup> {
  // With O_PATH the lookup never waits, and its four system calls on the event loop cost less than four trips
  // through the thread pool; without it, an open might wait (a device), so it goes to the pool.
  if (root.lookupNeverWaits) return lookupConfinedSync(root, path);
  const opened = await openVerified(root, path, root.lookupFlags);
  if (opened.status !== 'found') return opened;
  // The answer is known; closing a descriptor that only looked cannot change it, so it is not waited for.
  opened.handle.close().catch(() => undefined);
  return { status: 'found', stats: opened.stats, realPath: opened.realPath };
}

/** lookupConfined, synchronously (for ap_expr's `-A`/`-U`, evaluated synchronously). */
export function lookupConfinedSync(root: ConfinedRoot, path: string): ConfinedLookup {
  const opened = openVerifiedSync(root, path, root.lookupFlags);
  if (opened.status !== 'found') return opened;
  closeSync(opened.handle);
  return { status: 'found', stats: opened.stats, realPath: opened.realPath };
}

/** Opens `path` with `flags`, then verifies the descriptor; on any failure the descriptor is closed. */
async function openVerified(root: ConfinedRoot, path: string, flags: number): Promise<Confined<FileHandle>> {
  const absolute = join(root.realRoot, path);
  let handle: FileHandle;
  try {
    handle = await open(absolute, flags);
  } catch (err) {
    return failure(err);
  }
  try {
    // Both ask about the descriptor, not the path, so they may run side by side on the thread pool.
    const [stats, where] = root.procFd
      ? await Promise.all([handle.stat(), readlink(procName(handle.fd), { encoding: 'buffer' })])
      : await handle
          .stat()
          .then(async (opened) => [opened, await comparedRealPath(absolute, opened)] as const);
    const verdict = judge(root, where, stats);
    if (verdict.status === 'found') return { ...verdict, handle };
    await handle.close();
    return verdict;
  } catch (err) {
    await handle.close();
    return failure(err);
  }
}

/** openVerified, synchronously; returns a descriptor. */
function openVerifiedSync(root: ConfinedRoot, path: string, flags: number): Confined<number> {
  const absolute = join(root.realRoot, path);
  let fd: number;
  try {
    fd = openSync(absolute, flags);
  } catch (err) {
    return failure(err);
  }
  try {
    const stats = fstatSync(fd);
    const where = root.procFd
      ? readlinkSync(procName(fd), { encoding: 'buffer' })
      : comparedRealPathSync(absolute, stats);
    const verdict = judge(root, where, stats);
    if (verdict.status === 'found') return { ...verdict, handle: fd };
    closeSync(fd);
    return verdict;
  } catch (err) {
    closeSync(fd);
    return failure(err);
  }
}

/** Maps an open's error to an answer: not there, or refused (ELOOP, EACCES, ENXIO for a socket…). */
export function failure(err: unknown): ConfinedFailure {
  const code = (err as NodeJS.ErrnoException).code;
  // ENOTDIR: a path component is a file (`/page.shtml/x`), which is simply not there.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG'
    ? { status: 'missing' }
    : { status: 'forbidden' };
}

/** Where an open descriptor lies, as the kernel names it; the type is checked too, before any byte is read. */
function judge(root: ConfinedRoot, where: Buffer | undefined, stats: Stats): ConfinedLookup {
  if (where === undefined || !isInside(root, where)) return { status: 'forbidden' };
  // FIFOs, sockets and devices are never served: reading them blocks, never ends, or acts on hardware.
  if (!stats.isFile() && !stats.isDirectory()) return { status: 'forbidden' };
  return { status: 'found', stats, realPath: where.toString() };
}

function isInside(root: ConfinedRoot, where: Buffer): boolean {
  if (where.equals(root.rootBytes)) return true;
  return where.length > root.prefix.length && where.subarray(0, root.prefix.length).equals(root.prefix);
}

function procName(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

// Without /proc: the real path of what was opened must name the very inode the descriptor holds. A swap
// between the open and this check shows another inode (refused); only a swap there and back again between the
// realpath and its stat could pass, so this narrows the race to that, where Linux has none.
async function comparedRealPath(absolute: string, opened: Stats): Promise<Buffer | undefined> {
  const real = await realpath(absolute, { encoding: 'buffer' });
  return isSameInode(await stat(real), opened) ? real : undefined;
}

function comparedRealPathSync(absolute: string, opened: Stats): Buffer | undefined {
  const real = realpathSync(absolute, { encoding: 'buffer' });
  return isSameInode(statSync(real), opened) ? real : undefined;
}

function isSameInode(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}
