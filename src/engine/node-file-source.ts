// The node:fs adapter of FileSource: maps docroot paths into a real folder and never leaves it.
// Symlinks are followed only while their target stays inside the root; anything else is 'forbidden'.

import { constants, readFileSync, realpathSync, statSync, Stats } from 'node:fs';
import { FileHandle, open, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { FileContent, FileInfo, FileLookup, FileSource, LimitedFileContent } from './file-source';
import { FileStamp, missingStamp, UNKNOWN_STAMP } from './file-stamp';

/** A file or directory opened inside the docroot; the caller closes `handle`. */
export interface OpenedFile {
  status: 'found';
  handle: FileHandle;
  /** fstat of `handle`: what was opened, not what the path names now. */
  stats: Stats;
  realPath: string;
}

/** Serves a real folder as a docroot. */
export class NodeFileSource implements FileSource {
  private readonly realRoot: string;

  /** @param root the docroot folder; it must exist. */
  constructor(root: string) {
    this.realRoot = realpathSync(root);
  }

  /** The real path of the docroot folder. */
  get root(): string {
    return this.realRoot;
  }

  read(path: string): Promise<FileContent>;
  read(path: string, maxBytes: number): Promise<LimitedFileContent>;
  async read(path: string, maxBytes?: number): Promise<LimitedFileContent> {
    const located = await this.locate(path);
    if (located.status !== 'found') return located;
    let handle;
    try {
      handle = await open(located.realPath, 'r');
    } catch (err) {
      return failure(err);
    }
    try {
      // The info comes from the same handle the bytes are read from, so the two always belong together.
      const stats = await handle.stat();
      if (stats.isDirectory()) return { status: 'directory', info: toFileInfo(stats) };
      if (!stats.isFile()) return { status: 'forbidden' };
      if (maxBytes !== undefined && stats.size > maxBytes)
        return { status: 'too-large', info: toFileInfo(stats) };
      const bytes = await handle.readFile();
      return { status: 'found', bytes, info: toFileInfo(stats) };
    } catch (err) {
      return failure(err);
    } finally {
      await handle.close();
    }
  }

  /**
   * Opens a regular file or a directory inside the root for reading, with its fstat: serve the bytes of this
   * handle, never by opening the path again. Anything else (FIFO, socket, device) is 'forbidden'; an error other
   * than "not there" or "not allowed" is thrown, for the caller to log.
   */
  async open(path: string): Promise<OpenedFile | FileLookupFailure> {
    const located = await this.locate(path);
    if (located.status !== 'found') return located;
    let handle: FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
      handle = await open(located.realPath, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      return expectedFailure(err);
    }
    try {
      const stats = await handle.stat();
      if (stats.isFile() || stats.isDirectory())
        return { status: 'found', handle, stats, realPath: located.realPath };
    } catch (err) {
      await handle.close();
      throw err;
    }
    await handle.close();
    return { status: 'forbidden' };
  }

  async stat(path: string): Promise<FileLookup> {
    const located = await this.locate(path);
    if (located.status !== 'found') return located;
    try {
      return { status: 'found', info: toFileInfo(await stat(located.realPath)) };
    } catch (err) {
      return failure(err);
    }
  }

  statSync(path: string): FileLookup {
    try {
      const realPath = realpathSync(join(this.realRoot, path));
      if (!this.isInside(realPath)) return { status: 'forbidden' };
      return { status: 'found', info: toFileInfo(statSync(realPath)) };
    } catch (err) {
      return failure(err);
    }
  }

  /**
   * One stat of the path, following symlinks, without the realpath check: for caches to see whether a file
   * they already read is unchanged. A symlink moved to another target shows another inode, so it never passes.
   */
  stampSync(path: string): FileStamp {
    let stats: Stats | undefined;
    try {
      stats = statSync(join(this.realRoot, path), { throwIfNoEntry: false });
    } catch (err) {
      return failure(err).status === 'missing' ? missingStamp() : UNKNOWN_STAMP;
    }
    if (stats === undefined) return missingStamp();
    const kind = stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'unknown';
    return { kind, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino };
  }

  private async locate(path: string): Promise<{ status: 'found'; realPath: string } | FileLookupFailure> {
    try {
      const realPath = await realpath(join(this.realRoot, path));
      return this.isInside(realPath) ? { status: 'found', realPath } : { status: 'forbidden' };
    } catch (err) {
      return failure(err);
    }
  }

  private isInside(realPath: string): boolean {
    return realPath === this.realRoot || realPath.startsWith(this.realRoot + sep);
  }
}

type FileLookupFailure = { status: 'missing' } | { status: 'forbidden' };

function failure(err: unknown): FileLookupFailure {
  const code = (err as NodeJS.ErrnoException).code;
  // ENOTDIR: a path component is a file (`/page.shtml/x`), which is simply not there.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG'
    ? { status: 'missing' }
    : { status: 'forbidden' };
}

/** "Not there" or "not allowed" as a lookup answer; anything else (EIO, EMFILE…) is rethrown. */
function expectedFailure(err: unknown): FileLookupFailure {
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
