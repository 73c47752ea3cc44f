// The port through which the engine reads the docroot. Implementations: memory (tests) and node:fs.
// Paths are docroot paths: POSIX, starting with '/', already normalized; the source keeps them inside the root.

import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/** What the engine needs to know about a file or directory. */
export interface FileInfo {
  size: number;
  /** Modification time in epoch milliseconds. */
  mtimeMs: number;
  isDirectory: boolean;
  /** Owner's user name, for USER_NAME; undefined when unknown. */
  owner?: string;
}

/** The result of looking a path up. `forbidden` covers anything that must not be served (symlink out of the root). */
export type FileLookup =
  { status: 'found'; info: FileInfo } | { status: 'missing' } | { status: 'forbidden' };

/** The result of reading a path: bytes and the info of the same open file, so they always belong together. */
export type FileContent =
  | { status: 'found'; bytes: Buffer; info: FileInfo }
  | { status: 'directory'; info: FileInfo }
  | { status: 'missing' }
  | { status: 'forbidden' };

/** The result of a read with a size limit: a file bigger than the limit is not read (`too-large`). */
export type LimitedFileContent = FileContent | { status: 'too-large'; info: FileInfo };

/** Read access to a docroot. */
export interface FileSource {
  /** Reads a file's bytes and its info through one handle. */
  read(path: string): Promise<FileContent>;
  /** The same, except that a file of more than `maxBytes` is not read (an include bigger than the page limit). */
  read(path: string, maxBytes: number): Promise<LimitedFileContent>;
  /** Looks a path up without reading it. */
  stat(path: string): Promise<FileLookup>;
  /** Synchronous lookup, for ap_expr's `-A`/`-U` access checks, which run inside a synchronous evaluation. */
  statSync(path: string): FileLookup;
  /**
   * Opens a file for streaming (big static files): the handle is proven inside the docroot, and the caller
   * closes it. Sources without it (memory) are always read whole.
   */
  open?(path: string): Promise<OpenedFile | { status: 'missing' } | { status: 'forbidden' }>;
}

/** The parent directory of a docroot path (`/a/b.html` → `/a`, `/a` → `/`). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** A file or directory opened for reading and verified: inside the docroot, a regular file or a directory. */
export interface OpenedFile {
  status: 'found';
  /** Open for reading (with O_NONBLOCK, which regular files ignore); the caller closes it. */
  handle: FileHandle;
  /** fstat of `handle`, so size and times belong to the bytes read through it. */
  stats: Stats;
  /** Where the kernel says the opened file lies, inside the real docroot. */
  realPath: string;
}
