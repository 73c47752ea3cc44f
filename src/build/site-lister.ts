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
 * True when any segment of a docroot path starts with '.', such as `/.git/config` or `/a/.env`, except the
 * top-level `/.well-known/` folder (RFC 8615). The server never serves such paths, so the build neither renders
 * nor copies them; it also keeps the manifest, a dotfile in the output folder, out of the site.
 */
export function isHiddenPath(path: string): boolean {
  // Segment 0 is the empty string before the leading '/'; the server serves `.well-known` at the root only.
  return path.split('/').some((segment, index) => segment.startsWith('.') && !isWellKnown(segment, index));
}

function isWellKnown(segment: string, index: number): boolean {
  return index === 1 && segment === '.well-known';
}
