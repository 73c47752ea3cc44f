// The port through which the build learns which files the docroot holds. Listing only: reading goes through
// the engine's FileSource. Implementation: node:fs (node-site-lister.ts); the tests list an in-memory site.

/** Lists the files of a docroot. */
export interface SiteLister {
  /**
   * Every file of the docroot as a docroot path (`/news/index.shtml`), hidden ones excluded (see isHiddenPath).
   * Directories are not listed; the order does not matter.
   */
  list(): Promise<string[]>;
}

/** Hidden paths (dotfiles, except `/.well-known/`) are never built; the rule is the server's own. */
export { isHiddenPath } from '../engine/hidden-paths';
