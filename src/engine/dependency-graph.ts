// Which pages rest on which files: page URL → docroot paths (found and missing), and the reverse, so a changed
// file names the pages it affects. Pure: fed by the server after each render and by a build manifest; no I/O.

/** One file a page rested on; a missing one matters too, since its appearance changes the page. */
export interface GraphDependency {
  /** Docroot path, decoded, with a leading slash: `/inc/nav.html`. */
  path: string;
  exists: boolean;
}

/** Options of DependencyGraph. */
export interface DependencyGraphOptions {
  /** File names tried, in order, for a URL ending in '/'. @default ['index.shtml', 'index.html'] */
  directoryIndex?: readonly string[];
}

/** What a build manifest says about its pages, by docroot path (the shape of `Manifest.pages`). */
export type ManifestPages = Record<string, { dependencies: readonly GraphDependency[] }>;

/**
 * The dependency graph of the pages rendered so far. Recording a URL again replaces what it rested on, so the
 * graph follows the site as it changes; it holds one record per URL, never per request.
 *
 * @example
 * const graph = new DependencyGraph();
 * graph.record('/', '/index.shtml', [{ path: '/inc/nav.html', exists: true }]);
 * graph.affectedPages('/inc/nav.html'); // → ['/']
 */
export class DependencyGraph {
  private readonly directoryIndex: readonly string[];
  private readonly pagesByUrl = new Map<string, Set<string>>();
  private readonly urlsByPath = new Map<string, Set<string>>();

  constructor(options: DependencyGraphOptions = {}) {
    this.directoryIndex = options.directoryIndex ?? ['index.shtml', 'index.html'];
  }

  /**
   * Records that `url` was answered with the file `page`, which rested on `dependencies`. For a URL ending in
   * '/', the index names tried before `page` count as missing dependencies: if one appears, it is served instead.
   */
  record(url: string, page: string, dependencies: Iterable<GraphDependency>): void {
    const paths = new Set<string>([page]);
    for (const dependency of dependencies) paths.add(dependency.path);
    if (url.endsWith('/')) for (const candidate of this.indexCandidatesBefore(page)) paths.add(candidate);
    this.forget(url);
    this.pagesByUrl.set(url, paths);
    for (const path of paths) {
      let urls = this.urlsByPath.get(path);
      if (urls === undefined) this.urlsByPath.set(path, (urls = new Set()));
      urls.add(url);
    }
  }

  /**
   * Records every page of a build manifest under its own path and, for a directory index, under its folder's
   * URL too (`/news/index.shtml` is also `/news/`).
   */
  recordManifest(pages: ManifestPages): void {
    for (const [page, record] of Object.entries(pages)) {
      this.record(page, page, record.dependencies);
      const slash = page.lastIndexOf('/');
      if (this.directoryIndex.includes(page.slice(slash + 1)))
        this.record(page.slice(0, slash + 1), page, record.dependencies);
    }
  }

  /** Drops what `url` rested on (e.g. it no longer exists). */
  forget(url: string): void {
    const previous = this.pagesByUrl.get(url);
    if (previous === undefined) return;
    this.pagesByUrl.delete(url);
    for (const path of previous) {
      const urls = this.urlsByPath.get(path);
      urls?.delete(url);
      if (urls?.size === 0) this.urlsByPath.delete(path);
    }
  }

  /**
   * The URLs whose response may differ now that `changedPath` changed, appeared or went away, sorted. A folder's
   * path (a folder removed or renamed) affects every page resting on a file below it.
   */
  affectedPages(changedPath: string): string[] {
    const affected = new Set<string>(this.urlsByPath.get(changedPath) ?? []);
    const folder = changedPath.endsWith('/') ? changedPath : `${changedPath}/`;
    for (const [path, urls] of this.urlsByPath) {
      if (path.startsWith(folder)) for (const url of urls) affected.add(url);
    }
    return [...affected].sort();
  }

  /** The files `url` rested on when it was last recorded, or undefined. */
  dependenciesOf(url: string): string[] | undefined {
    const paths = this.pagesByUrl.get(url);
    return paths === undefined ? undefined : [...paths];
  }

  /** The docroot file that answered `url` (its purge tag is the page's own), or undefined. */
  fileOf(url: string): string | undefined {
    const paths = this.pagesByUrl.get(url);
    // record() puts the page first, and a Set keeps insertion order.
    return paths === undefined ? undefined : paths.values().next().value;
  }

  /** The page URLs recorded. */
  get size(): number {
    return this.pagesByUrl.size;
  }

  private indexCandidatesBefore(page: string): string[] {
    const slash = page.lastIndexOf('/');
    const folder = page.slice(0, slash + 1);
    const position = this.directoryIndex.indexOf(page.slice(slash + 1));
    if (position < 0) return [];
    return this.directoryIndex.slice(0, position).map((name) => `${folder}${name}`);
  }
}
