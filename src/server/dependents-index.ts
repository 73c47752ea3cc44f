// The render cache's reverse index: which cached keys rest on each file, and how many indexed files lie below each
// folder, so a reported change drops what it touches without a walk through the whole cache. Pure: no I/O.

/** What the index reads of a cached variant: the paths it rests on. */
interface Stamped {
  readonly stamps: ReadonlyArray<readonly [string, unknown]>;
}

/**
 * Keys by the docroot paths their variants rest on. It may name a key for a path none of the key's variants
 * still rests on (a variant dropped alone), never the other way round: the caller checks the variants.
 *
 * @example
 * index.add('GET /', variants); index.keysOf(['/inc/nav.html']); // → ['GET /']
 */
export class DependentsIndex {
  private readonly keysByPath = new Map<string, Set<string>>();
  private readonly pathsByKey = new Map<string, Set<string>>();
  private readonly filesBelow = new Map<string, number>();

  /** Notes that the variants under `key` rest on their stamped paths. */
  add(key: string, variants: readonly Stamped[]): void {
    let paths = this.pathsByKey.get(key);
    if (paths === undefined) this.pathsByKey.set(key, (paths = new Set()));
    for (const variant of variants)
      for (const [path] of variant.stamps) {
        if (paths.has(path)) continue;
        paths.add(path);
        let keys = this.keysByPath.get(path);
        if (keys === undefined) {
          this.keysByPath.set(path, (keys = new Set()));
          this.countFolders(path, 1);
        }
        keys.add(key);
      }
  }

  /** Forgets `key` (its record left the cache). */
  remove(key: string): void {
    const paths = this.pathsByKey.get(key);
    if (paths === undefined) return;
    this.pathsByKey.delete(key);
    for (const path of paths) {
      const keys = this.keysByPath.get(path);
      if (keys === undefined) continue;
      keys.delete(key);
      if (keys.size > 0) continue;
      this.keysByPath.delete(path);
      this.countFolders(path, -1);
    }
  }

  /** The keys resting on one of `paths` or on a file below one of them (a folder renamed or removed). */
  keysOf(paths: readonly string[]): string[] {
    const found = new Set<string>();
    for (const given of paths) {
      const path = given.length > 1 && given.endsWith('/') ? given.slice(0, -1) : given;
      this.keysByPath.get(path)?.forEach((key) => found.add(key));
      if (!this.filesBelow.has(path)) continue;
      const folder = `${path}/`;
      for (const [file, keys] of this.keysByPath)
        if (file.startsWith(folder)) keys.forEach((key) => found.add(key));
    }
    return [...found];
  }

  clear(): void {
    this.keysByPath.clear();
    this.pathsByKey.clear();
    this.filesBelow.clear();
  }

  /** Adds `delta` to the count of every folder above `path` (`/a/b/c.html` → `/a/b`, `/a`). */
  private countFolders(path: string, delta: number): void {
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      const folder = path.slice(0, slash);
      const count = (this.filesBelow.get(folder) ?? 0) + delta;
      if (count === 0) this.filesBelow.delete(folder);
      else this.filesBelow.set(folder, count);
    }
  }
}
