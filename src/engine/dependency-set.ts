// The set of files a render depended on, including the ones it looked for and did not find. No I/O.

/** Why a render touched a file. */
export type DependencyRole = 'page' | 'include' | 'file-info' | 'access-check';

/** One file the output depended on. */
export interface Dependency {
  /** Docroot path, e.g. `/inc/header.html`. */
  path: string;
  role: DependencyRole;
  exists: boolean;
  /**
   * The file's mtime; for a missing file, the mtime of its nearest existing ancestor directory, which changes
   * when the file appears (README, *Caching semantics*).
   */
  mtimeMs: number;
  /** Size in bytes; -1 when missing. */
  size: number;
}

/** Collects dependencies in first-seen order, one entry per path and existence. */
export class DependencySet {
  private readonly byPath = new Map<string, Dependency>();

  add(dependency: Dependency): void {
    const key = `${dependency.exists ? '+' : '-'}${dependency.path}`;
    if (!this.byPath.has(key)) this.byPath.set(key, dependency);
  }

  list(): Dependency[] {
    return [...this.byPath.values()];
  }
}
