// The node:fs adapter of SiteLister: walks a real folder, skipping hidden entries. Reads nothing but directories,
// each through a descriptor verified inside the root (NodeFileSource), so a swapped folder cannot list outside.

import { resolve } from 'node:path';
import { NodeFileSource } from '../engine/node-file-source';
import { isHiddenPath, type SiteLister } from './site-lister';

/** Options of NodeSiteLister. */
export interface NodeSiteListerOptions {
  /** Folders not to enter, such as an output folder inside the docroot, which would otherwise be built into itself. @default [] */
  exclude?: string[];
}

/**
 * Lists the files under a real folder. A symlink is listed unless it dangles or names a directory (the
 * FileSource then refuses one out of the root or to a special file); symlinked directories are not entered, so
 * a link loop cannot trap the walk. FIFOs, sockets and devices themselves are not files of the site.
 *
 * @example
 * const paths = await new NodeSiteLister('/srv/site').list(); // ['/index.shtml', '/css/site.css', …]
 */
export class NodeSiteLister implements SiteLister {
  private readonly excluded: Set<string>;
  private readonly source: NodeFileSource;

  /** @param root the docroot folder. */
  constructor(
    private readonly root: string,
    options: NodeSiteListerOptions = {},
  ) {
    this.excluded = new Set((options.exclude ?? []).map((folder) => resolve(folder)));
    this.source = new NodeFileSource(root);
  }

  async list(): Promise<string[]> {
    const paths: string[] = [];
    await this.walk('/', paths);
    return paths;
  }

  private async walk(directory: string, paths: string[]): Promise<void> {
    const listing = await this.source.readDirectory(directory);
    if (listing.status !== 'found') {
      if (directory === '/') throw new Error(`cannot list ${this.root}: ${listing.status}`);
      // A folder that vanished or turned into a link out of the root since its parent was read has no files.
      return;
    }
    for (const entry of listing.entries) {
      const path = directory === '/' ? `/${entry.name}` : `${directory}/${entry.name}`;
      if (isHiddenPath(path)) continue;
      if (entry.isDirectory()) {
        if (!this.excluded.has(resolve(this.root, `.${path}`))) await this.walk(path, paths);
      } else if (entry.isFile() || (entry.isSymbolicLink() && (await this.isLinkToFile(path))))
        paths.push(path);
    }
  }

  private async isLinkToFile(path: string): Promise<boolean> {
    // A dangling link is not a file of the site; one the source refuses (out of the root, to a FIFO…) is listed,
    // so the build reports it rather than dropping it silently.
    const lookup = await this.source.stat(path);
    return lookup.status === 'forbidden' || (lookup.status === 'found' && !lookup.info.isDirectory);
  }
}
