// A FileSource decorator that reports, for each clean tracked file of a git checkout, the time of the last commit
// that touched it instead of its mtime, so every clone of one commit shows the same times. Pure mapping: the
// times are found by the caller (src/cli runs git) and passed in.

import {
  type FileContent,
  type FileInfo,
  type FileLookup,
  type FileSource,
  type LimitedFileContent,
} from './file-source';
import { type FileStamp, stampOf } from './file-stamp';

/** The commit time of one docroot path, and the stat it had when git called it unmodified. */
export interface GitFileTime {
  /** Committer time of the last commit that touched the path, epoch ms (for a folder: of its newest file). */
  commitMs: number;
  /** Size and mtime when git found the path clean; a file that no longer shows them has changed since. */
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** Commit times by docroot path ('/inc/nav.html'); paths absent (modified, untracked, ignored) keep their mtime. */
export type GitFileTimes = ReadonlyMap<string, GitFileTime>;

/**
 * Wraps a FileSource so that a path git called clean gets its commit time as `mtimeMs`, for as long as it keeps
 * the size and mtime it had then: a file edited afterwards (under `serve`) shows its own, newer mtime at once,
 * without asking git again.
 *
 * @example
 * const source = new GitTimesFileSource(new NodeFileSource('site'), times);
 */
export class GitTimesFileSource implements FileSource {
  constructor(
    readonly inner: FileSource,
    private readonly times: GitFileTimes,
  ) {}

  read(path: string): Promise<FileContent>;
  read(path: string, maxBytes: number): Promise<LimitedFileContent>;
  async read(path: string, maxBytes?: number): Promise<LimitedFileContent> {
    const content =
      maxBytes === undefined ? await this.inner.read(path) : await this.inner.read(path, maxBytes);
    if (content.status === 'missing' || content.status === 'forbidden') return content;
    return { ...content, info: this.mapped(path, content.info) };
  }

  async stat(path: string): Promise<FileLookup> {
    return this.mappedLookup(path, await this.inner.stat(path));
  }

  statSync(path: string): FileLookup {
    return this.mappedLookup(path, this.inner.statSync(path));
  }

  /**
   * The inner source's stamp with the same time as this source's answers, since caches compare the two. The
   * stamp still tells a change: any write moves the change time, and a file that no longer shows its recorded
   * size and mtime shows its real mtime.
   */
  stampSync(path: string): FileStamp {
    const stamp = stampOf(this.inner, path);
    const time = this.times.get(path);
    if (time === undefined || (stamp.kind !== 'file' && stamp.kind !== 'directory')) return stamp;
    const info = { size: stamp.size, mtimeMs: stamp.mtimeMs, isDirectory: stamp.kind === 'directory' };
    return isAsRecorded(time, info) ? { ...stamp, mtimeMs: time.commitMs } : stamp;
  }

  private mappedLookup(path: string, lookup: FileLookup): FileLookup {
    return lookup.status === 'found' ? { status: 'found', info: this.mapped(path, lookup.info) } : lookup;
  }

  private mapped(path: string, info: FileInfo): FileInfo {
    const time = this.times.get(path);
    if (time === undefined || !isAsRecorded(time, info)) return info;
    return { ...info, mtimeMs: time.commitMs };
  }
}

/** True while the path shows what it showed when git called it clean (a folder's size is not its content). */
function isAsRecorded(time: GitFileTime, info: FileInfo): boolean {
  if (time.isDirectory !== info.isDirectory || time.mtimeMs !== info.mtimeMs) return false;
  return info.isDirectory || time.size === info.size;
}
