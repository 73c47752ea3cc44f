// The port through which the build writes the rendered site. Paths are docroot paths ('/news/index.shtml'),
// mapped by the adapter into the output folder. Implementation: node:fs (node-output-fs.ts); the tests write to memory.

/** What the build needs to know about an output file. */
export interface OutputFileInfo {
  size: number;
  /** Modification time in epoch milliseconds. */
  mtimeMs: number;
}

/** Write access to the output folder, plus the manifest that makes the next build incremental. */
export interface OutputFs {
  /** An output file's size and mtime, or undefined when there is no such file. */
  stat(path: string): Promise<OutputFileInfo | undefined>;
  /**
   * The same answer synchronously, for adapters that can give it cheaply: the build checks one output per page,
   * and a promise per check costs more than a stat. Without it, `stat` is used.
   */
  statSync?(path: string): OutputFileInfo | undefined;
  /**
   * Writes `bytes` to `path` with its mtime set to `mtimeMs`, creating folders as needed, and returns the file's
   * info as the file system now reports it. Readers must never see the new bytes with another mtime, so an
   * adapter writes a temporary file, sets its mtime, then renames it into place.
   */
  write(path: string, bytes: Buffer, mtimeMs: number): Promise<OutputFileInfo>;
  /** An output file's bytes, or undefined when there is no such file. */
  read(path: string): Promise<Buffer | undefined>;
  /** Removes an output file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** The manifest's text, or undefined when there is none yet. */
  readManifest(): Promise<string | undefined>;
  /** Replaces the manifest, atomically: a build that dies half-way leaves the previous one. */
  writeManifest(text: string): Promise<void>;
}

/**
 * True when two mtimes are the same instant as far as a file system round trip can tell. Setting an mtime goes
 * through floating-point seconds, which may move it by a fraction of a microsecond.
 */
export function isSameTime(a: number, b: number): boolean {
  return Math.abs(a - b) < 1;
}
