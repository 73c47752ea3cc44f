// Watches a docroot folder tree and reports changed files as docroot paths, coalesced over a short debounce. When
// watching fails (the watch limit, the root deleted or replaced) it says so, checks the files by scanning them
// instead, and watches again once it can. Only reports: what a change means is decided by the caller.

import { statSync, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { changedPaths, type DocrootSnapshot, scanDocroot } from './docroot-scan';
import { watchFolders } from './folder-watch';
import { isHiddenPath } from './hidden-paths';

/** What a running watch reports besides changes: it fell back to scanning, it watches again, it lost events. */
export type WatcherStatus =
  { kind: 'degraded'; reason: string } | { kind: 'restored' } | { kind: 'overflow' };

/** The part of an fs.watch handle the watcher uses: the seam through which tests inject failures. */
export interface WatchHandle {
  close(): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** Starts a recursive watch of `root`, like `fs.watch(root, { recursive: true }, listener)`; may throw. */
export type StartWatch = (
  root: string,
  listener: (event: string, filename: string | Buffer | null) => void,
) => WatchHandle;

/** Options of watchDocroot. */
export interface DocrootWatcherOptions {
  /** Receives the docroot paths (`/inc/nav.html`) changed, created or removed since the last call, sorted. */
  onChange: (paths: string[]) => void;
  /**
   * Receives each change of state: `degraded` once when watching fails (scanning from then on), `restored` when
   * watching works again, `overflow` when the platform dropped events (every file is then reported changed).
   * @default ignore
   */
  onStatus?: (status: WatcherStatus) => void;
  /** Quiet time, in ms, before a burst of events is reported as one change. @default 50 */
  debounceMs?: number;
  /** Absolute folders inside the docroot whose changes are ignored (a build's output folder). @default [] */
  exclude?: readonly string[];
  /**
   * How often, in ms, the root is checked (still the same folder?) while watching, and the files are scanned
   * while degraded. @default 2000
   */
  checkIntervalMs?: number;
  /** How often, in ms, watching is tried again while degraded (at once when a vanished root is back). @default 30000 */
  retryIntervalMs?: number;
  /** How long, in ms, a new watch must run without an error before watching counts as restored. @default 1000 */
  restoreGraceMs?: number;
  /** Starts the recursive watch. @default one fs.watch per folder on Linux, fs.watch `recursive: true` elsewhere */
  startWatch?: StartWatch;
}

/** A running watcher. */
export interface DocrootWatcher {
  /** Stops watching (and scanning); changes not yet reported are dropped. */
  close(): void;
}

/** The debounce of watchDocroot. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 50;

/** Linux: one watch per folder (see folder-watch.ts); elsewhere the platform's own recursive watch. */
function defaultStartWatch(skip: (docrootPath: string) => boolean): StartWatch {
  if (process.platform !== 'linux') return (root, listener) => watch(root, { recursive: true }, listener);
  return (root, listener) =>
    watchFolders(root, listener, (relative) => skip(`/${relative.split(path.sep).join('/')}`));
}

/**
 * Watches `root` recursively (on Linux one inotify watch per folder, see folder-watch.ts). Editors save in bursts (a temporary file, a rename, a chmod), so events are collected
 * until `debounceMs` pass without one. Hidden paths (`.git`, `.swp` files, the build manifest; not
 * `/.well-known/`, which is served) are never reported.
 *
 * Watching is never lost silently: an error of the watch (ENOSPC at the inotify watch limit), or the root
 * deleted or replaced (its inode changed), reports `degraded` once and falls back to scanning the tree every
 * `checkIntervalMs`, reporting what differs; a vanished root reports `/` (everything changed), and again when
 * it comes back. Watching is tried again every `retryIntervalMs` and as soon as a vanished root is back;
 * `restored` is reported once it runs `restoreGraceMs` without an error.
 *
 * @example
 * const watcher = watchDocroot('/srv/site', { onChange: (paths) => log(paths.join(' ')) });
 * watcher.close();
 */
export function watchDocroot(root: string, options: DocrootWatcherOptions): DocrootWatcher {
  const debounceMs = options.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
  const checkIntervalMs = options.checkIntervalMs ?? 2000;
  const retryIntervalMs = options.retryIntervalMs ?? 30_000;
  const restoreGraceMs = options.restoreGraceMs ?? 1000;
  const excluded = (options.exclude ?? [])
    .map((folder) => docrootPath(root, folder))
    .filter((p) => p !== undefined);
  const skip = (changed: string) => isHiddenPath(changed) || isExcluded(changed, excluded);
  const startWatch = options.startWatch ?? defaultStartWatch(skip);
  const pending = new Set<string>();
  let debounce: NodeJS.Timeout | undefined;
  let checkTimer: NodeJS.Timeout | undefined;
  let handle: WatchHandle | undefined;
  let identity: string | undefined;
  // While degraded: the last scan (undefined before the first), when watching was last tried, a trial watch.
  let degraded = false;
  let snapshot: DocrootSnapshot | undefined;
  let lastRetry = 0;
  let trialSince: number | undefined;
  let closed = false;
  let checking = false;

  const flush = () => {
    debounce = undefined;
    const paths = [...pending].sort();
    pending.clear();
    if (paths.length > 0 && !closed) options.onChange(paths);
  };
  const report = (paths: readonly string[]) => {
    for (const changed of paths) pending.add(changed);
    if (debounce) clearTimeout(debounce);
    if (pending.size > 0) debounce = setTimeout(flush, debounceMs);
  };
  const stopHandle = () => {
    const current = handle;
    handle = undefined;
    current?.close();
  };

  const onEvent = (_event: string, filename: string | Buffer | null) => {
    // No name: the platform dropped events (Windows reports a buffer overflow so); anything may have changed.
    if (filename === null) {
      options.onStatus?.({ kind: 'overflow' });
      return report(['/']);
    }
    const name = filename.toString();
    // The root's own name: it was removed or renamed; the next check finds out which.
    if (name === '') return scheduleCheck(0);
    const changed = docrootPath(root, path.join(root, name));
    if (changed !== undefined && !skip(changed)) report([changed]);
  };

  /** Starts a watch; false when it throws at once (the root is missing, the limit is already reached). */
  const tryWatch = (): boolean => {
    try {
      const started = startWatch(root, onEvent);
      handle = started;
      started.on('error', (err: Error) => {
        if (handle !== started) return;
        stopHandle();
        degrade(`${err.message}`);
      });
      identity = identityOf(statSync(root));
      return true;
    } catch (err) {
      stopHandle();
      if (!degraded) degrade((err as Error).message);
      return false;
    }
  };

  const degrade = (reason: string, everythingChanged = false) => {
    trialSince = undefined;
    if (everythingChanged) report(['/']);
    if (degraded) return;
    degraded = true;
    snapshot = undefined;
    options.onStatus?.({ kind: 'degraded', reason });
    scheduleCheck(0);
  };

  const scheduleCheck = (delayMs: number) => {
    if (closed) return;
    if (checkTimer) clearTimeout(checkTimer);
    checkTimer = setTimeout(() => void check(), delayMs);
  };

  /** Watching: is the root still the folder watched? Degraded: scan, report, and maybe watch again. */
  const check = async () => {
    checkTimer = undefined;
    // One check at a time; the running one schedules the next.
    if (checking) return;
    checking = true;
    try {
      await checkOnce();
    } finally {
      checking = false;
    }
  };
  const checkOnce = async () => {
    if (!degraded) {
      const now = await stat(root).then(identityOf, () => undefined);
      if (closed || degraded) return;
      if (now !== identity) {
        stopHandle();
        degrade(`${root} ${now === undefined ? 'went away' : 'was replaced'}`, true);
        return;
      }
      return scheduleCheck(checkIntervalMs);
    }
    const scanned = await scanDocroot(root, { skip });
    if (closed) return;
    const cameBack = snapshot === 'missing' && scanned !== 'missing';
    if (snapshot !== undefined) report(changedPaths(snapshot, scanned));
    snapshot = scanned;
    if (trialSince !== undefined && Date.now() - trialSince >= restoreGraceMs && handle !== undefined) {
      // The trial watch ran its grace without an error; the scan just made covers the time before it.
      degraded = false;
      trialSince = undefined;
      snapshot = undefined;
      options.onStatus?.({ kind: 'restored' });
      return scheduleCheck(checkIntervalMs);
    }
    const retryDue = Date.now() - lastRetry >= retryIntervalMs;
    if (scanned !== 'missing' && handle === undefined && (cameBack || retryDue)) {
      lastRetry = Date.now();
      if (tryWatch()) trialSince = Date.now();
    }
    scheduleCheck(trialSince === undefined ? checkIntervalMs : Math.min(checkIntervalMs, restoreGraceMs));
  };

  if (tryWatch()) scheduleCheck(checkIntervalMs);
  else lastRetry = Date.now();
  return {
    close() {
      closed = true;
      if (debounce) clearTimeout(debounce);
      if (checkTimer) clearTimeout(checkTimer);
      debounce = checkTimer = undefined;
      pending.clear();
      stopHandle();
    },
  };
}

/** Device and inode: a root deleted and recreated, or swapped by a rename, is another folder. */
function identityOf(stats: { dev: number; ino: number }): string {
  return `${stats.dev}:${stats.ino}`;
}

/** `/inc/nav.html` for `<root>/inc/nav.html`; undefined outside the root. */
function docrootPath(root: string, file: string): string | undefined {
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return `/${relative.split(path.sep).join('/')}`;
}

function isExcluded(docrootPathName: string, excluded: readonly (string | undefined)[]): boolean {
  return excluded.some(
    (folder) =>
      folder !== undefined && (docrootPathName === folder || docrootPathName.startsWith(`${folder}/`)),
  );
}
