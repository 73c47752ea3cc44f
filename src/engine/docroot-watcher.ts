// Watches a docroot folder tree and reports changed files as docroot paths, coalesced over a short debounce.
// Only reports: what a change means (affected pages, purges) is decided by the caller.

import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** Options of watchDocroot. */
export interface DocrootWatcherOptions {
  /** Receives the docroot paths (`/inc/nav.html`) changed, created or removed since the last call, sorted. */
  onChange: (paths: string[]) => void;
  /** Receives a watcher failure (e.g. the folder went away); the watcher is closed after it. @default ignore */
  onError?: (err: Error) => void;
  /** Quiet time, in ms, before a burst of events is reported as one change. @default 50 */
  debounceMs?: number;
  /** Absolute folders inside the docroot whose changes are ignored (a build's output folder). @default [] */
  exclude?: readonly string[];
}

/** A running watcher. */
export interface DocrootWatcher {
  /** Stops watching; changes not yet reported are dropped. */
  close(): void;
}

/** The debounce of watchDocroot. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 50;

/**
 * Watches `root` recursively (Node 20 supports `recursive` on Linux, macOS and Windows). Editors save in bursts
 * (a temporary file, a rename, a chmod), so events are collected until `debounceMs` pass without one. Paths with a
 * segment starting with '.' (`.git`, `.swp` files, the build manifest) are never reported.
 *
 * @example
 * const watcher = watchDocroot('/srv/site', { onChange: (paths) => log(paths.join(' ')) });
 * watcher.close();
 */
export function watchDocroot(root: string, options: DocrootWatcherOptions): DocrootWatcher {
  const debounceMs = options.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
  const excluded = (options.exclude ?? [])
    .map((folder) => docrootPath(root, folder))
    .filter((p) => p !== undefined);
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;

  const flush = () => {
    timer = undefined;
    const paths = [...pending].sort();
    pending.clear();
    if (paths.length > 0) options.onChange(paths);
  };
  const close = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending.clear();
    watcher?.close();
    watcher = undefined;
  };

  watcher = watch(root, { recursive: true }, (_event, filename) => {
    if (filename === null) return;
    const changed = docrootPath(root, path.join(root, filename.toString()));
    if (changed === undefined || isHidden(changed) || isExcluded(changed, excluded)) return;
    pending.add(changed);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  });
  watcher.on('error', (err: Error) => {
    close();
    options.onError?.(err);
  });
  return { close };
}

/** `/inc/nav.html` for `<root>/inc/nav.html`; undefined outside the root. */
function docrootPath(root: string, file: string): string | undefined {
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return `/${relative.split(path.sep).join('/')}`;
}

function isHidden(docrootPathName: string): boolean {
  return docrootPathName.split('/').some((segment) => segment.startsWith('.'));
}

function isExcluded(docrootPathName: string, excluded: readonly (string | undefined)[]): boolean {
  return excluded.some(
    (folder) =>
      folder !== undefined && (docrootPathName === folder || docrootPathName.startsWith(`${folder}/`)),
  );
}
