// The port through which the build learns which files the docroot holds. Listing only: reading goes through
// the engine's FileSource. Implementations: node:fs (node-site-lister.ts) and memory (memory-site.ts).

/** Lists the files of a docroot. */
export interface SiteLister {
  /**
   * Every file of the docroot as a docroot path (`/news/index.shtml`), hidden ones excluded (see isHiddenPath).
   * Directories are not listed; the order does not matter.
   */
  list(): Promise<string[]>;
}

/**
 * True when any segment of a docroot path starts with '.', such as `/.git/config` or `/a/.env`. The server
 * never serves such paths, so the build neither renders nor copies them; it also keeps the manifest, a dotfile
 * in the output folder, out of the site.
 */
export function isHiddenPath(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith('.'));
}
