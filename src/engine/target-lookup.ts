// Finds the file an include or fsize/flastmod target names, recording it (found or missing) as a dependency.

import { DependencyRole } from './dependency-set';
import { FileInfo, parentPath } from './file-source';
import { RenderState } from './render-state';

/** A target that was found; `bytes` only when it was read. */
export type FoundTarget = { ok: true; path: string; info: FileInfo; bytes?: Buffer };
export type LookupResult = FoundTarget | { ok: false; reason: string };

interface Target {
  path: string;
  trailingSlash: boolean;
}

/** Reads a target's bytes; a URL ending in '/' tries the directory index files in order. */
export async function readTarget(render: RenderState, target: Target, role: DependencyRole): Promise<LookupResult> {
  const candidates = target.trailingSlash ? indexCandidates(render, target.path) : [target.path];
  for (const path of candidates) {
    const content = await render.options.source.read(path);
    if (content.status === 'found') {
      recordFound(render, path, role, content.info);
      return { ok: true, path, info: content.info, bytes: content.bytes };
    }
    if (content.status === 'forbidden') return { ok: false, reason: 'access is forbidden' };
    // Apache answers a directory URL without '/' with a redirect, which an include cannot follow.
    if (content.status === 'directory') return { ok: false, reason: 'it is a directory (add a trailing slash)' };
    await recordMissing(render, path, role);
  }
  return { ok: false, reason: target.trailingSlash ? 'the directory has no index file' : 'no such file' };
}

/** Looks a target up without reading it (fsize, flastmod). */
export async function statTarget(render: RenderState, target: Target, role: DependencyRole): Promise<LookupResult> {
  const candidates = target.trailingSlash ? indexCandidates(render, target.path) : [target.path];
  for (const path of candidates) {
    const lookup = await render.options.source.stat(path);
    if (lookup.status === 'found' && (!lookup.info.isDirectory || !target.trailingSlash)) {
      recordFound(render, path, role, lookup.info);
      return { ok: true, path, info: lookup.info };
    }
    if (lookup.status === 'forbidden') return { ok: false, reason: 'access is forbidden' };
    await recordMissing(render, path, role);
  }
  return { ok: false, reason: 'no such file' };
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
 * nearest existing ancestor directory, which creating the file updates (SPEC B.2).
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
