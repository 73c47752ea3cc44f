// Git's answer to a racy stamp, for the build: a dependency whose mtime lies within a timestamp tick of the build's
// start cannot vouch for its bytes (a same-size rewrite in that tick keeps its stamp), so the build records the
// SHA-256 of the very bytes the page was made from, and the next build compares the file's bytes with it instead of
// rendering the page again.

import { digestOf } from '../engine/body-digests';
import { type Dependency } from '../engine/dependency-set';
import {
  type FileContent,
  type FileLookup,
  type FileSource,
  type LimitedFileContent,
} from '../engine/file-source';
import { isRacy } from '../engine/racy-stamp';

/** A dependency as the build manifest keeps it. */
export interface RecordedDependency extends Dependency {
  /**
   * Base64 SHA-256 of the bytes the render read, recorded only for a page or include whose mtime was racy at the
   * build's start: the next build then checks the bytes rather than rendering again (see pageStaleness).
   */
  sha256?: string;
}

/**
 * A view of a FileSource for one render that keeps the bytes each path's first read returned: what the render
 * was made from, even if the file changes before the render ends.
 */
export class ReadRecorder implements FileSource {
  private readonly firstReads = new Map<string, Buffer>();

  constructor(private readonly source: FileSource) {}

  read(path: string): Promise<FileContent>;
  read(path: string, maxBytes: number): Promise<LimitedFileContent>;
  async read(path: string, maxBytes?: number): Promise<LimitedFileContent> {
    const content = await (maxBytes === undefined
      ? this.source.read(path)
      : this.source.read(path, maxBytes));
    if (content.status === 'found' && !this.firstReads.has(path)) this.firstReads.set(path, content.bytes);
    return content;
  }

  stat(path: string): Promise<FileLookup> {
    return this.source.stat(path);
  }

  statSync(path: string): FileLookup {
    return this.source.statSync(path);
  }

  /** The bytes the first read of `path` returned; undefined when it was never read (or not found). */
  bytesRead(path: string): Buffer | undefined {
    return this.firstReads.get(path);
  }
}

/**
 * `dependency` as the manifest records it for a build that started at `buildStart` (the whole second its manifest
 * states): with the digest of the bytes read when its stamp is racy and those bytes are at hand.
 */
export function recordedDependency(
  { path, role, exists, size, mtimeMs }: Dependency,
  reads: ReadRecorder,
  buildStart: number,
): RecordedDependency {
  const recorded = { path, role, exists, size, mtimeMs };
  // Only bytes read into the page count: an fsize or flastmod shows the stamp itself, which a racy rewrite keeps.
  if (!exists || (role !== 'page' && role !== 'include') || !isRacy(mtimeMs, buildStart)) return recorded;
  const bytes = reads.bytesRead(path);
  return bytes?.length === size ? { ...recorded, sha256: base64Sha256(bytes) } : recorded;
}

// Fragments shared by many pages come from the build's snapshot as one Buffer: hashed once per thread.
const digests = new WeakMap<Buffer, string>();

/** Base64 SHA-256 of `bytes`, as the manifest writes digests. */
export function base64Sha256(bytes: Buffer): string {
  let digest = digests.get(bytes);
  if (digest === undefined) {
    digest = digestOf(bytes, 'sha-256').toString('base64');
    digests.set(bytes, digest);
  }
  return digest;
}
