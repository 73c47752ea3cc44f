// The node:fs adapter of SiteLister: walks a real folder, skipping hidden entries. Reads nothing but directories.

import { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isHiddenPath, SiteLister } from './site-lister';

/** Options of NodeSiteLister. */
export interface NodeSiteListerOptions {
  /** Folders not to enter, such as an output folder inside the docroot, which would otherwise be built into itself. @default [] */
  exclude?: string[];
}

/**
 * Lists the files under a real folder. A symlink is listed when it points to a file (the FileSource then decides
 * whether its target may be served); symlinked directories are not entered, so a link loop cannot trap the walk.
 *
 * @example
 * const paths = await new NodeSiteLister('/srv/site').list(); // ['/index.shtml', '/css/site.css', …]
 */
export class NodeSiteLister implements SiteLister {
  private readonly excluded: Set<string>;

  /** @param root the docroot folder. */
  constructor(
    private readonly root: string,
    options: NodeSiteListerOptions = {},
  ) {
    this.excluded = new Set((options.exclude ?? []).map((folder) => resolve(folder)));
  }

  async list(): Promise<string[]> {
    const paths: string[] = [];
    await this.walk('/', paths);
    return paths;
  }

  private async walk(directory: string, paths: string[]): Promise<void> {
    const entries: Dirent[] = await readdir(join(this.root, directory), { withFileTypes: true });
    for (const entry of entries) {
      const path = directory === '/' ? `/${entry.name}` : `${directory}/${entry.name}`;
      if (isHiddenPath(path)) continue;
      if (entry.isDirectory()) {
        if (!this.excluded.has(resolve(this.root, `.${path}`))) await this.walk(path, paths);
      } else if (entry.isFile() || (entry.isSymbolicLink() && (await this.isLinkToFile(path))))
        paths.push(path);
    }
  }

  private async isLinkToFile(path: string): Promise<boolean> {
    try {
      return (await stat(join(this.root, path))).isFile();
    } catch {
      // A dangling link is not a file of the site.
      return false;
    }
  }
}
