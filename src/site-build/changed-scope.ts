// Which files a build must look at when the files changed since the previous build are known (a watcher's report):
// the changed files and the pages resting on them, found in the manifest, without listing or stat-ing the site.

import { type FileSource } from '../engine/file-source';
import { stampOf } from '../engine/file-stamp';
import { type Manifest, type PageRecord } from './manifest';

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
  dependents: DependentsIndex = new DependentsIndex(manifest.pages),
): ChangedScope | undefined {
  if (changed.includes('/')) return undefined;
  const candidates = new Set<string>();
  for (const path of changed) {
    candidates.add(path);
    for (const page of dependents.pagesOn(path)) candidates.add(page);
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

/**
 * The manifest's pages inverted: each file some page depended on (missing ones included), to the pages resting on
 * it. Built once and then updated with the records a build renewed, as inverting 10,000 pages costs more than
 * building one.
 */
export class DependentsIndex {
  private readonly pagesByPath = new Map<string, Set<string>>();

  constructor(pages: Manifest['pages']) {
    for (const page of Object.keys(pages)) this.add(page, pages[page]);
  }

  /** The pages whose record names `path` as a dependency. */
  pagesOn(path: string): ReadonlySet<string> {
    return this.pagesByPath.get(path) ?? NO_PAGES;
  }

  /** Follows a build from the records of `before` to those of `after` (a record kept as is is the same object). */
  update(before: Manifest['pages'], after: Manifest['pages']): void {
    for (const page of Object.keys(before)) if (before[page] !== after[page]) this.remove(page, before[page]);
    for (const page of Object.keys(after)) if (before[page] !== after[page]) this.add(page, after[page]);
  }

  private add(page: string, record: PageRecord): void {
    for (const { path } of record.dependencies) {
      const pages = this.pagesByPath.get(path);
      if (pages) pages.add(page);
      else this.pagesByPath.set(path, new Set([page]));
    }
  }

  private remove(page: string, record: PageRecord): void {
    for (const { path } of record.dependencies) this.pagesByPath.get(path)?.delete(page);
  }
}

const NO_PAGES: ReadonlySet<string> = new Set();

function isRecorded(manifest: Manifest, path: string): boolean {
  return Object.hasOwn(manifest.pages, path) || Object.hasOwn(manifest.files, path);
}

/** True when a removed `path` was a folder holding recorded files. */
function hasRecordBelow(manifest: Manifest, path: string): boolean {
  const prefix = `${path}/`;
  const below = (recorded: string) => recorded.startsWith(prefix);
  return Object.keys(manifest.pages).some(below) || Object.keys(manifest.files).some(below);
}
