// Decides whether a page must be rendered again, from its manifest record and cheap stats: never by rendering.
// The test is make's and rsync's: a file whose existence, size or mtime is unchanged is taken as unchanged,
// unless its mtime was within a timestamp tick of the previous build's start (git's "racy clean" rule): then
// its bytes must still have the digest recorded of what the page was made from.

import { type Dependency } from '../engine/dependency-set';
import { type FileSource } from '../engine/file-source';
import { type FileStamp, stampOf } from '../engine/file-stamp';
import { isRacy } from '../engine/racy-stamp';
import { type OutputFs, isSameTime } from './output-fs';
import { type PageRecord } from './manifest';
import { base64Sha256 } from './racy-digests';

/**
 * Stamps each docroot path at most once per build; pages share fragments, so most lookups hit the cache. A stamp
 * is one plain stat (the source's stampSync, with the times it reports, e.g. commit times), not a confined
 * lookup: it only decides whether to render, and the render reads through the confined source. Synchronous, as
 * a promise per stat costs more than the stat itself.
 */
export class StatCache {
  private readonly stamps = new Map<string, FileStamp>();
  private readonly digests = new Map<string, Promise<string | undefined>>();

  constructor(private readonly source: FileSource) {}

  stat(path: string): FileStamp {
    let stamp = this.stamps.get(path);
    if (!stamp) {
      stamp = stampOf(this.source, path);
      this.stamps.set(path, stamp);
    }
    return stamp;
  }

  /** How many files' bytes were read to check their digest. */
  get digestsTaken(): number {
    return this.digests.size;
  }

  /** Base64 SHA-256 of the file's bytes now, read at most once per build; undefined when it cannot be read. */
  digest(path: string): Promise<string | undefined> {
    let digest = this.digests.get(path);
    if (!digest) {
      digest = this.source.read(path).then(
        (content) => (content.status === 'found' ? base64Sha256(content.bytes) : undefined),
        () => undefined,
      );
      this.digests.set(path, digest);
    }
    return digest;
  }
}

/** What a staleness check may consult. */
export interface StalenessContext {
  /** The render options (or generator) differ from those the manifest was built with. */
  optionsChanged: boolean;
  output: OutputFs;
  stats: StatCache;
  /** When the previous build started, epoch ms (NaN when unknown): its reads came after it. */
  previousBuildStart: number;
}

/**
 * Why the page at `path` must be rendered again, for display; undefined when its output is up to date.
 *
 * @example
 * const reason = await pageStaleness('/index.shtml', manifest.pages['/index.shtml'], context);
 * // → 'dependency /inc/nav.html changed'
 */
export async function pageStaleness(
  path: string,
  record: PageRecord | undefined,
  context: StalenessContext,
): Promise<string | undefined> {
  if (!record) return 'new page';
  if (context.optionsChanged) return 'render options changed';
  if (record.lastModifiedPending) return 'Last-Modified pending from the previous build';
  // A failed render leaves its record without dependencies, so the page is tried again.
  if (record.dependencies.length === 0) return 'previous build did not finish it';
  // The digest manifest needs the bytes' digest, which manifests of older builds do not record.
  if (record.sha256 === undefined) return 'no digest recorded';
  // Dependencies first: they are stamped once per build, the output once per page, and only when still needed.
  const changed = record.dependencies.find((dependency) => !isUnchanged(dependency, context.stats));
  if (changed) return `dependency ${changed.path} ${changed.exists ? 'changed' : 'appeared'}`;
  for (const dependency of record.dependencies) {
    if (!dependency.exists || !isRacy(dependency.mtimeMs, context.previousBuildStart)) continue;
    // A same-size rewrite in the tick the previous build read it keeps its size and mtime: only the bytes tell,
    // when the previous build recorded what they were; without that record, render again.
    const { path: racyPath, sha256 } = dependency;
    if (sha256 === undefined || (await context.stats.digest(racyPath)) !== sha256)
      return `dependency ${racyPath} changed within a timestamp tick of the previous build`;
  }
  const { output: outputFs } = context;
  const output = outputFs.statSync ? outputFs.statSync(path) : await outputFs.stat(path);
  if (!output) return 'output file missing';
  if (output.size !== record.output.size || !isSameTime(output.mtimeMs, record.output.mtimeMs)) {
    return 'output file changed';
  }
  return undefined;
}

/**
 * A missing dependency is unchanged while it is still missing. Its recorded mtime (its folder's) is not compared:
 * the bytes cannot depend on it, and comparing it would re-render a page whenever a sibling file is added.
 */
function isUnchanged(dependency: Dependency, stats: StatCache): boolean {
  const stamp = stats.stat(dependency.path);
  if (!dependency.exists) return stamp.kind === 'missing';
  return (
    (stamp.kind === 'file' || stamp.kind === 'directory') &&
    stamp.size === dependency.size &&
    stamp.mtimeMs === dependency.mtimeMs
  );
}
