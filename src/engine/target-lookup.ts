// Finds the file an include or fsize/flastmod target names, recording it (found or missing) as a dependency.

import { type DependencyRole } from './dependency-set';
import { type FileInfo, parentPath } from './file-source';
import { type RenderState } from './render-state';

/** A target that was found; `bytes` only when it was read. */
export type FoundTarget = { ok: true; path: string; info: FileInfo; bytes?: Buffer };
/** A target bigger than the reader's limit: found, not read. */
export type OversizedTarget = { ok: false; tooLarge: true; path: string; info: FileInfo };
export type LookupResult = FoundTarget | { ok: false; reason: string; tooLarge?: undefined };

interface Target {
  kind: 'file' | 'virtual';
  path: string;
  trailingSlash: boolean;
}

/** A directory named without a trailing slash: mod_dir redirects, and a subrequest cannot follow a redirect. */
const REDIRECTED_DIRECTORY = {
  ok: false,
  reason: 'it is a directory (mod_dir answers a redirect to its URL with a slash)',
} as const;

/**
 * Reads a target's bytes; a URL ending in '/' tries the directory index files in order. A file of more than
 * `maxBytes` is not read: it is recorded and answered as oversized.
 */
export async function readTarget(
  render: RenderState,
  target: Target,
  role: DependencyRole,
  maxBytes: number,
): Promise<LookupResult | OversizedTarget> {
  const isDirectoryUrl = target.kind === 'virtual' && target.trailingSlash;
  const candidates = isDirectoryUrl ? indexCandidates(render, target.path) : [target.path];
  for (const path of candidates) {
    const content = await render.options.source.read(path, maxBytes);
    const isFile = content.status === 'found' || content.status === 'too-large';
    // `file="x.txt/"` names x.txt with path info, which the default handler refuses (404).
    if (isFile && target.trailingSlash && !isDirectoryUrl) return { ok: false, reason: 'no such file' };
    // A source that ignores the limit (memory) still gets the same answer.
    if (content.status === 'too-large' || (content.status === 'found' && content.bytes.length > maxBytes)) {
      recordFound(render, path, role, content.info);
      return { ok: false, tooLarge: true, path, info: content.info };
    }
    if (content.status === 'found') {
      recordFound(render, path, role, content.info);
      return { ok: true, path, info: content.info, bytes: content.bytes };
    }
    if (content.status === 'forbidden') return { ok: false, reason: 'access is forbidden' };
    // mod_dir answers a directory URL without '/' with a redirect, which an include cannot follow; the URL of a
    // file= target never ends in '/' (request.c), so file= can never include a directory.
    if (content.status === 'directory') return REDIRECTED_DIRECTORY;
    await recordMissing(render, path, role);
  }
  return { ok: false, reason: target.trailingSlash ? 'the directory has no index file' : 'no such file' };
}

/**
 * Looks a target up without running it (fsize, flastmod), as Apache's find_file does with a lookup-only
 * subrequest: a file followed by path info is that file; a directory URL ending in '/' is its first index file
 * or, with none, the directory itself (mod_dir declines, and the handler that would refuse never runs); any
 * other directory is redirected by mod_dir, which fails the lookup.
 */
export async function statTarget(
  render: RenderState,
  target: Target,
  role: DependencyRole,
): Promise<LookupResult> {
  const lookup = await render.options.source.stat(target.path);
  if (lookup.status === 'forbidden') return { ok: false, reason: 'access is forbidden' };
  if (lookup.status === 'missing') {
    await recordMissing(render, target.path, role);
    return statPathInfoOwner(render, target.path, role);
  }
  if (!lookup.info.isDirectory) return found(render, target.path, role, lookup.info);
  if (target.kind === 'file' || !target.trailingSlash) return REDIRECTED_DIRECTORY;
  for (const path of indexCandidates(render, target.path)) {
    const index = await render.options.source.stat(path);
    if (index.status === 'found' && !index.info.isDirectory) return found(render, path, role, index.info);
    if (index.status === 'missing') await recordMissing(render, path, role);
  }
  return found(render, target.path, role, lookup.info);
}

/** A missing path may be a file plus path info (`/a/x.txt/more`): Apache's directory walk then stops at the file. */
async function statPathInfoOwner(
  render: RenderState,
  path: string,
  role: DependencyRole,
): Promise<LookupResult> {
  for (let ancestor = parentPath(path); ancestor !== '/'; ancestor = parentPath(ancestor)) {
    const lookup = await render.options.source.stat(ancestor);
    if (lookup.status === 'missing') continue;
    if (lookup.status === 'found' && !lookup.info.isDirectory)
      return found(render, ancestor, role, lookup.info);
    break;
  }
  return { ok: false, reason: 'no such file' };
}

function found(render: RenderState, path: string, role: DependencyRole, info: FileInfo): FoundTarget {
  recordFound(render, path, role, info);
  return { ok: true, path, info };
}

function indexCandidates(render: RenderState, directory: string): string[] {
  const base = directory === '/' ? '' : directory;
  return render.options.directoryIndex.map((name) => `${base}/${name}`);
}

function recordFound(render: RenderState, path: string, role: DependencyRole, info: FileInfo): void {
  render.dependencies.add({ path, role, exists: true, mtimeMs: info.mtimeMs, size: info.size });
}

/**
 * A missing target is a dependency too: its appearance must make the page stale. It carries the mtime of its
 * nearest existing ancestor directory, which creating the file updates (README "Caching semantics").
 */
export async function recordMissing(render: RenderState, path: string, role: DependencyRole): Promise<void> {
  let directory = parentPath(path);
  let mtimeMs = 0;
  for (;;) {
    const lookup = await render.options.source.stat(directory);
    if (lookup.status === 'found') {
      mtimeMs = lookup.info.mtimeMs;
      break;
    }
    if (directory === '/') break;
    directory = parentPath(directory);
  }
  render.dependencies.add({ path, role, exists: false, mtimeMs, size: -1 });
}
