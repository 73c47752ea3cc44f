// A file's identity as one cheap stat sees it: what a cache compares to know that bytes it holds are current.
// Pure: the stat itself is done by the file source (NodeFileSource.stampSync) or derived from statSync.

import { type FileLookup, type FileSource } from './file-source';

/**
 * What one stat of a path shows. Two equal stamps mean the path still names the same, unchanged file: any
 * write, rename over, `cp -p`, `touch` or `chmod` changes the change time (ctime), the inode or the size.
 */
export interface FileStamp {
  kind: 'file' | 'directory' | 'missing' | 'unknown';
  size: number;
  mtimeMs: number;
  /** Inode change time; 0 when the source cannot tell. */
  ctimeMs: number;
  /** Device and inode numbers, together the file's identity; 0 when the source cannot tell. */
  dev: number;
  ino: number;
}

/** A FileSource that can stamp a path synchronously, with one stat and no realpath. */
export interface StampingFileSource extends FileSource {
  stampSync(path: string): FileStamp;
}

/** A stamp that never equals another: for errors other than "not there" (EACCES, ELOOP…), which are not cached. */
export const UNKNOWN_STAMP: FileStamp = Object.freeze({
  kind: 'unknown',
  size: -1,
  mtimeMs: NaN,
  ctimeMs: NaN,
  dev: 0,
  ino: 0,
});

const MISSING_STAMP: FileStamp = Object.freeze({
  kind: 'missing',
  size: -1,
  mtimeMs: 0,
  ctimeMs: 0,
  dev: 0,
  ino: 0,
});

/** True when `a` and `b` show the same file in the same state (an unknown stamp equals nothing). */
export function isSameStamp(a: FileStamp, b: FileStamp): boolean {
  return (
    a.kind === b.kind &&
    a.kind !== 'unknown' &&
    a.mtimeMs === b.mtimeMs &&
    a.size === b.size &&
    a.ctimeMs === b.ctimeMs &&
    a.dev === b.dev &&
    a.ino === b.ino
  );
}

/** Stamps `path` through the source's own stampSync, or through statSync for sources without one (memory). */
export function stampOf(source: FileSource, path: string): FileStamp {
  const stamping = source as Partial<StampingFileSource>;
  if (typeof stamping.stampSync === 'function') return stamping.stampSync(path);
  return stampFromLookup(source.statSync(path));
}

/** The stamp a FileLookup amounts to (no ctime or inode: a memory source changes size or mtime on every write). */
export function stampFromLookup(lookup: FileLookup): FileStamp {
  if (lookup.status === 'missing') return MISSING_STAMP;
  if (lookup.status === 'forbidden') return UNKNOWN_STAMP;
  const { info } = lookup;
  return {
    kind: info.isDirectory ? 'directory' : 'file',
    size: info.size,
    mtimeMs: info.mtimeMs,
    ctimeMs: 0,
    dev: 0,
    ino: 0,
  };
}

/** The stamp for a path that is not there. */
export function missingStamp(): FileStamp {
  return MISSING_STAMP;
}
