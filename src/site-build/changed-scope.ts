// Which files a build must look at when the files changed since the previous build are known (a watcher's report):
// the changed files and the pages resting on them, found in the manifest, without listing or stat-ing the site.

import { type FileSource } from '../engine/file-source';
import { stampOf } from '../engine/file-stamp';
import { type Manifest } from './manifest';

/** The files to build again, and those whose outputs to remove; the manifest's other records stay as they are. */
export interface ChangedScope {
  /** Docroot paths that exist: changed files, pages depending on them, pages left pending or failed. */
  present: string[];
  /** Docroot paths the manifest records that are gone. */
  gone: string[];
}

/**
 * The scope of a build after `changed` changed since `manifest` was written; undefined when only listing the site
 * can tell (the docroot itself, or a folder, changed: a folder's files are not named one by one).
 *
 * @example
 * changedScope(manifest, ['/inc/footer.html'], source); // { present: ['/inc/footer.html', '/a.shtml', …], gone: [] }
 */
export function changedScope(
  manifest: Manifest,
  changed: readonly string[],
  source: FileSource,
): ChangedScope | undefined {
  if (changed.includes('/')) return undefined;
  const dependents = dependentsOf(manifest);
  const candidates = new Set<string>();
  for (const path of changed) {
    candidates.add(path);
    for (const page of dependents.get(path) ?? []) candidates.add(page);
  }
  // Those the previous build could not finish: a full build would try them again.
  for (const [path, record] of Object.entries(manifest.pages))
    if (record.lastModifiedPending || record.dependencies.length === 0) candidates.add(path);
  const present: string[] = [];
  const gone: string[] = [];
  for (const path of candidates) {
    const stamp = stampOf(source, path);
    if (stamp.kind === 'directory') return undefined;
    if (stamp.kind !== 'missing') present.push(path);
    else if (isRecorded(manifest, path)) gone.push(path);
    else if (hasRecordBelow(manifest, path)) return undefined;
  }
  return { present, gone };
}

/** The manifest inverted: each file some page depended on (missing ones included), to the pages resting on it. */
function dependentsOf(manifest: Manifest): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const [page, record] of Object.entries(manifest.pages)) {
    for (const { path } of record.dependencies) {
      const pages = dependents.get(path);
      if (pages) pages.push(page);
      else dependents.set(path, [page]);
    }
  }
  return dependents;
}

function isRecorded(manifest: Manifest, path: string): boolean {
  return Object.hasOwn(manifest.pages, path) || Object.hasOwn(manifest.files, path);
}

/** True when a removed `path` was a folder holding recorded files. */
function hasRecordBelow(manifest: Manifest, path: string): boolean {
  const prefix = `${path}/`;
  const below = (recorded: string) => recorded.startsWith(prefix);
  return Object.keys(manifest.pages).some(below) || Object.keys(manifest.files).some(below);
}
