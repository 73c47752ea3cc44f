// The node:fs adapter of FileSource: maps docroot paths into a real folder and never leaves it, race or not.
// Every access opens first and then verifies the open descriptor (confined-open.ts); special files are refused.

import { closeSync, type Dirent, readFileSync, type Stats, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import {
  type ConfinedFailure,
  type ConfinedLookup,
  type ConfinedRoot,
  confineRoot,
  failure,
  lookupConfined,
  lookupConfinedSync,
  openConfined,
  openConfinedSync,
} from './confined-open';
import {
  type FileContent,
  type FileInfo,
  type FileLookup,
  type FileSource,
  type LimitedFileContent,
  type OpenedFile,
} from './file-source';
import { type FileStamp, missingStamp, UNKNOWN_STAMP } from './file-stamp';

/** Options of NodeFileSource. */
export interface NodeFileSourceOptions {
  /**
   * Read with blocking system calls instead of through the thread pool: for a build's render thread, which has
   * nothing else to do meanwhile, each trip through the pool costs more than the call. Never for a server.
   * @default false
   */
  blocking?: boolean;
}

/** Serves a real folder as a docroot. */
export class NodeFileSource implements FileSource {
  private readonly confined: ConfinedRoot;
  private readonly blocking: boolean;

  /** @param root the docroot folder; it must exist. */
  constructor(root: string, options: NodeFileSourceOptions = {}) {
    this.confined = confineRoot(root);
    this.blocking = options.blocking ?? false;
  }

  /** The real path of the docroot folder. */
  get root(): string {
    return this.confined.realRoot;
  }

  /**
   * Opens a docroot path for reading and proves, from the descriptor, that it lies inside the root (symlinks
   * are followed only while their real target stays inside) and is a regular file or a directory; FIFOs,
   * sockets and devices are 'forbidden' before a byte is read. The caller closes the handle.
   *
   * @example
   * const opened = await source.open('/big.iso');
   * if (opened.status === 'found') try { … opened.handle.createReadStream() … } finally { await opened.handle.close(); }
   */
  open(path: string): Promise<OpenedFile | { status: 'missing' } | { status: 'forbidden' }> {
    return openConfined(this.confined, path);
  }

  read(path: string): Promise<FileContent>;
  read(path: string, maxBytes: number): Promise<LimitedFileContent>;
  async read(path: string, maxBytes?: number): Promise<LimitedFileContent> {
    if (this.blocking) return this.readSync(path, maxBytes);
    const opened = await this.open(path);
    if (opened.status !== 'found') return opened;
    const { handle, stats } = opened;
    try {
      // The info comes from the same handle the bytes are read from, so the two always belong together.
      const unread = unreadableContent(stats, maxBytes);
      if (unread) return unread;
      const bytes = await handle.readFile();
      return { status: 'found', bytes, info: toFileInfo(stats) };
    } catch (err) {
      // The file was opened and verified: a failing read (EIO…) is no answer about the path but a fault, for the
      // caller to log and answer 500, never a silent 403.
      return expectedFailure(err);
    } finally {
      await handle.close();
    }
  }

  /** read, with blocking system calls. */
  private readSync(path: string, maxBytes: number | undefined): LimitedFileContent {
    const opened = openConfinedSync(this.confined, path);
    if (opened.status !== 'found') return opened;
    const { handle, stats } = opened;
    try {
      return (
        unreadableContent(stats, maxBytes) ?? {
          status: 'found',
          bytes: readFileSync(handle),
          info: toFileInfo(stats),
        }
      );
    } catch (err) {
      return expectedFailure(err);
    } finally {
      closeSync(handle);
    }
  }

  async stat(path: string): Promise<FileLookup> {
    return toLookup(await lookupConfined(this.confined, path));
  }

  statSync(path: string): FileLookup {
    return toLookup(lookupConfinedSync(this.confined, path));
  }

  /**
   * The entries of a docroot directory, read through a verified descriptor of it, so a directory swapped for
   * a symlink cannot list a folder outside the root.
   */
  async readDirectory(path: string): Promise<{ status: 'found'; entries: Dirent[] } | ConfinedFailure> {
    const opened = await this.open(path);
    if (opened.status !== 'found') return opened;
    try {
      if (!opened.stats.isDirectory()) return { status: 'missing' };
      // /proc/self/fd/N is the very directory verified; without /proc, its verified real path.
      const name = this.confined.procFd ? `/proc/self/fd/${opened.handle.fd}` : opened.realPath;
      return { status: 'found', entries: await readdir(name, { withFileTypes: true }) };
    } catch (err) {
      return failure(err);
    } finally {
      await opened.handle.close();
    }
  }

  /**
   * One stat of the path, following symlinks, not confined: for caches to see whether a file they already
   * read is unchanged. It never answers with a file by itself: a cached answer (from a confined open) is
   * reused only while the stamp shows the same device, inode, ctime, size and mtime as when it was read, and
   * a file swapped in from outside the root is another inode, so it never passes; 'missing' is all it can
   * tell alone, which the confined open would tell as well.
   */
  stampSync(path: string): FileStamp {
    let stats: Stats | undefined;
    try {
      stats = statSync(this.fullPathOf(path), { throwIfNoEntry: false });
    } catch (err) {
      return failure(err).status === 'missing' ? missingStamp() : UNKNOWN_STAMP;
    }
    if (stats === undefined) return missingStamp();
    const kind = stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'unknown';
    const { size, mtimeMs, ctimeMs, dev, ino } = stats;
    return { kind, size, mtimeMs, ctimeMs, dev, ino };
  }

  /**
   * The path under the real root. A normalized docroot path (every one the engine makes: leading slash, no `.` or
   * `..` segment, no empty one) is appended as it is, which is what join would give: stampSync runs for every
   * file of every render, and join's normalization was a tenth of a stamp's cost.
   */
  private fullPathOf(path: string): string {
    const root = this.confined.realRoot;
    return isNormalizedDocrootPath(path) && !root.endsWith(sep) ? root + path : join(root, path);
  }
}

/** A path join would leave as it is after a root: `/`-led, without `//`, `/./`, `/../` or a trailing `/.`/`/..`. */
function isNormalizedDocrootPath(path: string): boolean {
  return path.startsWith('/') && !path.includes('//') && !/\/\.\.?(?:\/|$)/.test(path);
}

/** What a read answers without reading, from the opened file's stats: a directory, or more than `maxBytes`. */
function unreadableContent(stats: Stats, maxBytes: number | undefined): LimitedFileContent | undefined {
  if (stats.isDirectory()) return { status: 'directory', info: toFileInfo(stats) };
  if (maxBytes !== undefined && stats.size > maxBytes)
    return { status: 'too-large', info: toFileInfo(stats) };
  return undefined;
}

/** A lookup as the FileSource port tells it; lookups need no read permission, as with stat(2). */
function toLookup(lookup: ConfinedLookup): FileLookup {
  return lookup.status === 'found' ? { status: 'found', info: toFileInfo(lookup.stats) } : lookup;
}

/** "Not there" or "not allowed" as a lookup answer; anything else (EIO, EMFILE…) is rethrown. */
function expectedFailure(err: unknown): ConfinedFailure {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP') return { status: 'forbidden' };
  const answer = failure(err);
  if (answer.status === 'missing') return answer;
  throw err;
}

function toFileInfo(stats: Stats): FileInfo {
  return {
    size: stats.size,
    mtimeMs: stats.mtimeMs,
    isDirectory: stats.isDirectory(),
    owner: ownerName(stats.uid),
  };
}

let userNames: Map<number, string> | undefined;

/** The user name for a uid, read once from /etc/passwd (Node has no getpwuid). */
function ownerName(uid: number): string | undefined {
  if (!userNames) {
    userNames = new Map();
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const fields = line.split(':');
        if (fields.length > 2) userNames.set(Number(fields[2]), fields[0]);
      }
    } catch {
      // No passwd file: USER_NAME falls back to Apache's '<unknown>'.
    }
  }
  return userNames.get(uid);
}
