// A recursive watch built from one non-recursive fs.watch per folder, for Linux: Node 20's own recursive watch
// there takes one inotify watch per file and swallows ENOSPC raised while it starts, so the watch limit is hit
// early and silently. Here a folder costs one watch, and the limit surfaces as an error. Reports only.

import { EventEmitter } from 'node:events';
import { lstatSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** A running folder watch: `error` events carry a failure to watch a folder that appeared later. */
export interface FolderWatch {
  close(): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** Options of watchFolders. */
export interface FolderWatchOptions {
  /** At most this many folders are watched (one inotify watch each); one more is an error. @default unbounded */
  maxFolders?: number;
  /** Told of each symbolic link met while folders are listed, by path relative to `root`. @default ignore */
  onLink?: (relativePath: string) => void;
  /** Whether the watches keep the process alive (fs.watch's `persistent`). @default true */
  persistent?: boolean;
  /** Told of each folder that starts being watched (to count the watches). @default ignore */
  onFolder?: () => void;
}

/**
 * Watches `root` and every folder below it (except those `skip` names, by path relative to `root`), calling
 * `listener(event, relativePath)` as fs.watch does with `recursive: true`. Folders created later are watched as
 * they appear, removed ones released. Throws at once when a watch cannot be set up (ENOSPC at the inotify limit,
 * ENOENT for a missing root); a later failure is an `error` event.
 *
 * @example
 * const handle = watchFolders('/srv/site', (event, name) => log(event, name), (name) => name.startsWith('.'));
 */
export function watchFolders(
  root: string,
  listener: (event: string, relativePath: string | null) => void,
  skip: (relativePath: string) => boolean = () => false,
  options: FolderWatchOptions = {},
): FolderWatch {
  const maxFolders = options.maxFolders ?? Infinity;
  const emitter = new EventEmitter();
  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  const release = (folder: string) => {
    for (const [watched, watcher] of watchers)
      if (watched === folder || watched.startsWith(`${folder}${path.sep}`)) {
        watcher.close();
        watchers.delete(watched);
      }
  };
  const add = (folder: string) => {
    if (closed || watchers.has(folder)) return;
    if (watchers.size >= maxFolders)
      throw Object.assign(new Error(`more than ${maxFolders} folders to watch`), { code: 'ENOSPC' });
    const watcher = watch(folder, { persistent: options.persistent ?? true }, (event, name) => {
      // No name: the platform lost track of this folder's events; the caller decides what that means.
      if (name === null) return listener(event, null);
      const full = path.join(folder, name.toString());
      const relative = path.relative(root, full);
      listener(event, relative);
      if (event === 'rename') followLater(full, relative);
    });
    watchers.set(folder, watcher);
    options.onFolder?.();
    watcher.on('error', (err) => emitter.emit('error', err));
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const child = path.join(folder, entry.name);
      if (entry.isSymbolicLink()) options.onLink?.(path.relative(root, child));
      if (entry.isDirectory() && !skip(path.relative(root, child))) add(child);
    }
  };
  // Renames are followed once per turn of the event loop and path, however many events came: a storm of renames
  // of one entry (a folder swapped for a link and back, thousands of times a second) costs one stat per turn.
  const pending = new Map<string, string>();
  const followLater = (full: string, relative: string) => {
    if (pending.size === 0)
      setImmediate(() => {
        const renamed = [...pending];
        pending.clear();
        for (const [fullPath, relativePath] of renamed) followRename(fullPath, relativePath);
      }).unref();
    pending.set(full, relative);
  };
  // A folder that appeared is watched (with what it already holds, reported); one that went away is released.
  // A symbolic link is not followed: what lies behind it is not the docroot's to watch.
  const followRename = (full: string, relative: string) => {
    if (closed) return;
    let isFolder: boolean;
    try {
      isFolder = lstatSync(full).isDirectory();
    } catch {
      return release(full);
    }
    if (!isFolder) release(full);
    if (!isFolder || skip(relative) || watchers.has(full)) return;
    try {
      add(full);
      for (const name of readdirSync(full, { recursive: true }) as string[])
        listener('rename', path.join(relative, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') emitter.emit('error', err);
    }
  };

  try {
    add(root);
  } catch (err) {
    release(root);
    throw err;
  }
  return {
    close() {
      closed = true;
      release(root);
    },
    on(event: 'error', handler: (err: Error) => void) {
      return emitter.on(event, handler);
    },
  };
}
