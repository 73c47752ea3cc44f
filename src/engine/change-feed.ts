// Learns of changes below a docroot from the kernel's file notifications (inotify: one watch per folder), at once
// and without a debounce, and says when they cannot be trusted. Reports only: what a change means is the caller's.

import { lstatSync, readFileSync, statfsSync, watch } from 'node:fs';
import path from 'node:path';
import { type FolderWatch, type FolderWatchOptions, watchFolders } from './folder-watch';
import { isHiddenPath } from './hidden-paths';

/** What a change feed tells of itself: it watches (how many folders), or notifications cannot be relied on. */
export type ChangeFeedStatus =
  { kind: 'watching'; folders: number } | { kind: 'unavailable'; reason: string };

/** Starts a recursive watch as watchFolders does; may throw (ENOSPC at the watch limit). */
export type StartFolderWatch = (
  root: string,
  listener: (event: string, relativePath: string | null) => void,
  skip: (relativePath: string) => boolean,
  options: FolderWatchOptions,
) => FolderWatch;

/** Options of watchForChanges. */
export interface ChangeFeedOptions {
  /** Receives the docroot paths (`/inc/nav.html`) of each event as it comes; `/` means anything may have changed. */
  onChange: (paths: readonly string[]) => void;
  /** Receives `watching` once armed, or `unavailable` once, with the reason. @default ignore */
  onStatus?: (status: ChangeFeedStatus) => void;
  /** Most folders watched (one inotify watch each); a larger tree is not watched at all. @default 4096 */
  maxFolders?: number;
  /** Starts the watch: the seam through which tests inject failures. @default watchFolders on Linux */
  startWatch?: StartFolderWatch;
  /** The file system type (statfs f_type) of a folder, undefined when unknown. @default statfs(2) */
  fileSystemType?: (folder: string) => number | undefined;
  /** The kernel's event queue length (/proc/sys/fs/inotify/max_queued_events). @default read from /proc, else 16384 */
  maxQueuedEvents?: number;
}

/** A running change feed. */
export interface ChangeFeed {
  /** True while every change below the root is reported; false for good once notifications failed. */
  readonly healthy: boolean;
  /**
   * Whether a change of the docroot path `docrootPath` is reported: the feed is healthy and no symbolic link lies
   * along the path (a change behind a link is reported under the link's target, not under this path).
   */
  covers(docrootPath: string): boolean;
  /** Stops watching and releases every inotify watch. */
  close(): void;
}

/** File events in one second past which watching is paused (each event costs the event loop a few microseconds). */
export const STORM_EVENTS_PER_SECOND = 10_000;
/** How long a storm pauses watching before the folders are watched again. */
export const STORM_PAUSE_MS = 5_000;

/** The default bound on the folders one feed watches (each costs one of the user's inotify watches). */
export const DEFAULT_MAX_WATCHED_FOLDERS = 4096;

/**
 * File systems whose changes made elsewhere (another client, the host of a share, a FUSE daemon) never reach
 * this kernel's inotify: statfs(2) f_type magic numbers from linux/magic.h and the file systems' own headers.
 */
const SILENT_FILE_SYSTEMS = new Map<number, string>([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x65735546, 'FUSE'],
  [0x01021997, '9P'],
  [0x00c36400, 'Ceph'],
  [0x5346414f, 'AFS'],
  [0x6b414653, 'AFS'],
  [0x73757245, 'Coda'],
  [0x0bd00bd0, 'Lustre'],
]);

/**
 * Watches the real folder `root` and reports each change as it is read from the kernel. Unavailable (reported
 * once, never retried: the caller falls back to checking files) when the root is on a file system that does not
 * deliver notifications, holds more than `maxFolders` folders, when watching throws (ENOSPC at
 * `fs.inotify.max_user_watches`) or later fails (an `error` event). A turn of the event loop that brings half
 * the kernel's event queue or more may have lost events to a queue overflow (libuv drops the overflow event
 * itself): it is reported as `/`, anything changed.
 *
 * @example
 * const feed = watchForChanges('/srv/site', { onChange: (paths) => cache.invalidate(paths) });
 * if (feed.covers('/inc/nav.html')) skipTheStat();
 */
export function watchForChanges(root: string, options: ChangeFeedOptions): ChangeFeed {
  const startWatch = options.startWatch ?? defaultStartWatch;
  const overflowAt = Math.max(1, Math.floor((options.maxQueuedEvents ?? readMaxQueuedEvents()) / 2));
  const links = new Set<string>();
  let handle: FolderWatch | undefined;
  let healthy = false;
  let closed = false;
  let eventsThisTurn = 0;

  const fail = (reason: string) => {
    const wasHealthy = healthy;
    healthy = false;
    const current = handle;
    handle = undefined;
    current?.close();
    if (closed) return;
    options.onStatus?.({ kind: 'unavailable', reason });
    // Whatever happened since the last event reached us is unknown.
    if (wasHealthy) options.onChange(['/']);
  };
  let secondStartedAt = 0;
  let eventsThisSecond = 0;
  const countEvent = () => {
    if (eventsThisTurn++ === 0) setImmediate(() => (eventsThisTurn = 0)).unref();
    return eventsThisTurn === overflowAt;
  };
  /** Whether this event makes a storm (see pause). */
  const isStorm = () => {
    const now = Date.now();
    if (now - secondStartedAt >= 1000) {
      secondStartedAt = now;
      eventsThisSecond = 0;
    }
    return ++eventsThisSecond > STORM_EVENTS_PER_SECOND;
  };
  // Every event is reported at once (a render stored between two events of one turn must still be dropped by the
  // second), but whether a renamed path is now a link is looked up once per path and turn: a storm of renames of one
  // entry (a folder swapped for a link and back, thousands of times a second) costs one lstat a turn.
  const renamed = new Map<string, string>();
  const onEvent = (event: string, relative: string | null) => {
    if (closed || !healthy) return;
    if (isStorm()) return pause();
    if (countEvent() || relative === null) return options.onChange(['/']);
    const docrootPath = `/${relative.split(path.sep).join('/')}`;
    if (event === 'rename') {
      if (renamed.size === 0)
        setImmediate(() => {
          for (const [docroot, relativePath] of renamed) noteLink(root, relativePath, docroot, links);
          renamed.clear();
        }).unref();
      renamed.set(docrootPath, relative);
    }
    options.onChange([docrootPath]);
  };

  const silent = fileSystemName(root, options.fileSystemType ?? statfsType);
  if (silent !== undefined) {
    options.onStatus?.({
      kind: 'unavailable',
      reason: `${root} is on ${silent}, which does not notify changes`,
    });
    return feedOf(
      () => false,
      links,
      () => undefined,
    );
  }
  // Arms the watch (again, after a storm); whatever changed while nothing watched is unknown: `/` after a re-arm.
  const arm = (again: boolean) => {
    if (closed) return;
    let folders = 0;
    try {
      handle = startWatch(root, onEvent, (relative) => isHiddenPath(`/${relative}`), {
        maxFolders: options.maxFolders ?? DEFAULT_MAX_WATCHED_FOLDERS,
        // A server keeps the process alive; its watches should not keep alive one that is done.
        persistent: false,
        onLink: (relative) => links.add(`/${relative.split(path.sep).join('/')}`),
        onFolder: () => folders++,
      });
      handle.on('error', (err: Error) => fail(err.message));
      healthy = true;
      options.onStatus?.({ kind: 'watching', folders });
      if (again) options.onChange(['/']);
    } catch (err) {
      fail((err as Error).message);
    }
  };
  // An event storm (a file written thousands of times a second, a huge deploy): every event costs the event loop a
  // callback, so the watches are closed for a while and files are checked instead, then watched again.
  const pause = () => {
    healthy = false;
    const current = handle;
    handle = undefined;
    current?.close();
    options.onStatus?.({
      kind: 'unavailable',
      reason: `an event storm: more than ${STORM_EVENTS_PER_SECOND} file events in a second; paused`,
    });
    options.onChange(['/']);
    setTimeout(() => arm(true), STORM_PAUSE_MS).unref();
  };
  arm(false);
  return feedOf(
    () => healthy,
    links,
    () => {
      closed = true;
      healthy = false;
      handle?.close();
      handle = undefined;
    },
  );
}

function feedOf(isHealthy: () => boolean, links: ReadonlySet<string>, close: () => void): ChangeFeed {
  return {
    get healthy() {
      return isHealthy();
    },
    covers(docrootPath: string): boolean {
      if (!isHealthy()) return false;
      if (links.size === 0) return true;
      for (let slash = docrootPath.indexOf('/', 1); ; slash = docrootPath.indexOf('/', slash + 1)) {
        if (links.has(slash < 0 ? docrootPath : docrootPath.slice(0, slash))) return false;
        if (slash < 0) return true;
      }
    },
    close,
  };
}

/** Keeps `links` up to date for a path that appeared, went or was replaced. */
function noteLink(root: string, relative: string, docrootPath: string, links: Set<string>): void {
  try {
    if (lstatSync(path.join(root, relative)).isSymbolicLink()) links.add(docrootPath);
    else links.delete(docrootPath);
  } catch {
    links.delete(docrootPath);
  }
}

/** Linux: one fs.watch per folder (see folder-watch.ts); elsewhere the platform's own recursive watch. */
const defaultStartWatch: StartFolderWatch = (root, listener, skip, options) => {
  if (process.platform !== 'linux')
    return watch(root, { recursive: true, persistent: options.persistent }, listener);
  return watchFolders(root, listener, skip, options);
};

function fileSystemName(root: string, typeOf: (folder: string) => number | undefined): string | undefined {
  const type = typeOf(root);
  return type === undefined ? undefined : SILENT_FILE_SYSTEMS.get(type);
}

function statfsType(folder: string): number | undefined {
  try {
    return statfsSync(folder).type;
  } catch {
    return undefined;
  }
}

function readMaxQueuedEvents(): number {
  try {
    const value = Number.parseInt(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8'), 10);
    return Number.isSafeInteger(value) && value > 0 ? value : 16384;
  } catch {
    return 16384;
  }
}
