// An in-memory docroot with explicit mtimes, for tests of the engine and the build. No real I/O.

import { type FileContent, type FileInfo, type FileLookup, type FileSource, parentPath } from './file-source';
import { type FileStamp, stampFromLookup } from './file-stamp';

/** A file to put in a MemoryFileSource. */
export interface MemoryFile {
  content: string | Uint8Array;
  /** @default 0 */
  mtimeMs?: number;
}

/**
 * A docroot held in memory. Directories exist implicitly above every file; a directory's mtime is the newest
 * mtime of a file created or removed directly in it, like a real file system's.
 *
 * @example
 * const source = new MemoryFileSource({ '/index.shtml': { content: 'hi', mtimeMs: 1_000 } });
 */
export class MemoryFileSource implements FileSource {
  private readonly files = new Map<string, { bytes: Buffer; mtimeMs: number; version: number }>();
  private writes = 0;
  private readonly directoryTimes = new Map<string, number>([['/', 0]]);

  constructor(files: Record<string, MemoryFile> = {}) {
    for (const [path, file] of Object.entries(files)) this.write(path, file.content, file.mtimeMs ?? 0);
  }

  /** Creates or replaces a file; creating one bumps its directory's mtime to `mtimeMs`. */
  write(path: string, content: string | Uint8Array, mtimeMs = 0): void {
    const created = !this.files.has(path);
    this.files.set(path, { bytes: Buffer.from(content), mtimeMs, version: ++this.writes });
    this.addDirectories(parentPath(path), created ? mtimeMs : undefined);
  }

  /** Changes a file's mtime without touching its bytes (like `touch -d`). */
  touch(path: string, mtimeMs: number): void {
    const file = this.files.get(path);
    if (!file) throw new Error(`no such file: ${path}`);
    file.mtimeMs = mtimeMs;
    file.version = ++this.writes;
  }

  /** Removes a file; its directory's mtime becomes `mtimeMs`. */
  remove(path: string, mtimeMs: number): void {
    this.files.delete(path);
    this.directoryTimes.set(parentPath(path), mtimeMs);
  }

  async read(path: string): Promise<FileContent> {
    const file = this.files.get(path);
    if (file)
      return { status: 'found', bytes: file.bytes, info: fileInfo(file.bytes.length, file.mtimeMs, false) };
    const lookup = this.statSync(path);
    return lookup.status === 'found' ? { status: 'directory', info: lookup.info } : lookup;
  }

  async stat(path: string): Promise<FileLookup> {
    return this.statSync(path);
  }

  statSync(path: string): FileLookup {
    const file = this.files.get(path);
    if (file) return { status: 'found', info: fileInfo(file.bytes.length, file.mtimeMs, false) };
    const directoryTime = this.directoryTimes.get(path);
    if (directoryTime !== undefined) return { status: 'found', info: fileInfo(0, directoryTime, true) };
    return { status: 'missing' };
  }

  /** Like a real inode change time, the stamp's ctime moves on every write and touch, even to the same size and mtime. */
  stampSync(path: string): FileStamp {
    const stamp = stampFromLookup(this.statSync(path));
    const file = this.files.get(path);
    return file ? { ...stamp, ctimeMs: file.version } : stamp;
  }

  private addDirectories(directory: string, createdAt: number | undefined): void {
    const known = this.directoryTimes.get(directory);
    if (createdAt !== undefined) this.directoryTimes.set(directory, Math.max(known ?? 0, createdAt));
    else if (known === undefined) this.directoryTimes.set(directory, 0);
    if (directory !== '/')
      this.addDirectories(parentPath(directory), known === undefined ? createdAt : undefined);
  }
}

function fileInfo(size: number, mtimeMs: number, isDirectory: boolean): FileInfo {
  return { size, mtimeMs, isDirectory };
}
