// The fallback of the docroot watcher: a snapshot of every file below a root (a stamp per docroot path) and the
// paths that differ between two snapshots. Reads the tree; reports nothing by itself.

import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Docroot path (`/inc/nav.html`) → a stamp of the file (inode, size, mtime, ctime); `missing` if the root is gone. */
export type DocrootSnapshot = Map<string, string> | 'missing';

/** Options of scanDocroot. */
export interface DocrootScanOptions {
  /** Skips a docroot path (and everything below it when it is a folder). @default none skipped */
  skip?: (docrootPath: string) => boolean;
}

/**
 * Stamps every file below `root`, without following symbolic links (a link is stamped itself, so a loop cannot
 * trap the walk); `missing` when `root` is not a readable folder. Folders are read one at a time, their entries
 * stamped together.
 *
 * @example
 * const before = await scanDocroot('/srv/site');
 * // … later
 * changedPaths(before, await scanDocroot('/srv/site')); // → ['/inc/nav.html']
 */
export async function scanDocroot(root: string, options: DocrootScanOptions = {}): Promise<DocrootSnapshot> {
  const snapshot = new Map<string, string>();
  const folders = [''];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    let names: string[];
    try {
      names = await readdir(path.join(root, folder));
    } catch {
      if (folder === '') return 'missing';
      // A folder removed during the walk: its files are simply absent from this snapshot.
      continue;
    }
    const stamped = await Promise.all(
      names.map(async (name) => {
        const docrootPath = `${folder}/${name}`;
        if (options.skip?.(docrootPath)) return undefined;
        const stat = await lstat(path.join(root, docrootPath)).catch(() => undefined);
        return stat && { docrootPath, stat };
      }),
    );
    for (const entry of stamped) {
      if (entry === undefined) continue;
      if (entry.stat.isDirectory()) folders.push(entry.docrootPath);
      else
        snapshot.set(
          entry.docrootPath,
          `${entry.stat.ino}:${entry.stat.size}:${entry.stat.mtimeMs}:${entry.stat.ctimeMs}`,
        );
    }
  }
  return snapshot;
}

/**
 * The docroot paths that differ between two snapshots, sorted: changed, appeared or gone. When the root itself
 * went away or came back, `['/']`: every file may differ.
 */
export function changedPaths(before: DocrootSnapshot, after: DocrootSnapshot): string[] {
  if (before === 'missing' || after === 'missing') return before === after ? [] : ['/'];
  const changed: string[] = [];
  for (const [docrootPath, stamp] of after) if (before.get(docrootPath) !== stamp) changed.push(docrootPath);
  for (const docrootPath of before.keys()) if (!after.has(docrootPath)) changed.push(docrootPath);
  return changed.sort();
}
