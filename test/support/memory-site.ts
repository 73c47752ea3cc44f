// An in-memory docroot that can also list its files, for tests of the build. No real I/O.

import { type MemoryFile, MemoryFileSource } from '../../src/engine/memory-file-source';
import { isHiddenPath, type SiteLister } from '../../src/site-build/site-lister';

/**
 * A MemoryFileSource that is its own SiteLister: `write` and `remove` keep the listing in step with the files.
 *
 * @example
 * const site = new MemorySite({ '/index.shtml': { content: 'hi', mtimeMs: 1_000 } });
 * await buildSite({ source: site, lister: site, output: new MemoryOutputFs() });
 */
export class MemorySite extends MemoryFileSource implements SiteLister {
  private readonly paths = new Set<string>();

  constructor(files: Record<string, MemoryFile> = {}) {
    // The files are written here, not by the base constructor, which runs before `paths` exists.
    super();
    for (const [path, file] of Object.entries(files)) this.write(path, file.content, file.mtimeMs ?? 0);
  }

  override write(path: string, content: string | Uint8Array, mtimeMs = 0): void {
    this.paths.add(path);
    super.write(path, content, mtimeMs);
  }

  override remove(path: string, mtimeMs: number): void {
    this.paths.delete(path);
    super.remove(path, mtimeMs);
  }

  async list(): Promise<string[]> {
    return [...this.paths].filter((path) => !isHiddenPath(path)).sort();
  }
}
