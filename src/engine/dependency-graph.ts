// Which pages rest on which files: page file → docroot paths (found and missing), and the reverse, so a changed
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

/** What the graph keeps of one page file: what it rested on, and under which canonical URLs it was asked for. */
interface PageRecord {
  paths: Set<string>;
  /** Asked for by its own path (`/news/index.shtml`, or an alias of it: `//news/%69ndex.shtml`). */
  asFile: boolean;
  /** Asked for as its folder's index (`/news/`, or an alias of it: `//news/`). */
  asFolder: boolean;
}

/**
 * The dependency graph of the pages rendered so far, keyed by the docroot file that answered: the aliases a
 * client can invent for one page (`//x`, `/%69ndex.shtml`, query strings) all land on one record, so the graph
 * holds at most one record per file of the docroot, each with the dependencies of its latest render (a render
 * reads a bounded number of files). Recording a page again replaces what it rested on.
 *
 * @example
 * const graph = new DependencyGraph();
 * graph.record('/', '/index.shtml', [{ path: '/inc/nav.html', exists: true }]);
 * graph.affectedPages('/inc/nav.html'); // → ['/']
 */
export class DependencyGraph {
  private readonly directoryIndex: readonly string[];
  private readonly pages = new Map<string, PageRecord>();
  private readonly pagesByPath = new Map<string, Set<string>>();

  constructor(options: DependencyGraphOptions = {}) {
    this.directoryIndex = options.directoryIndex ?? ['index.shtml', 'index.html'];
  }

  /**
   * Records that the file `page` answered `url` (only whether the URL ends in '/' is kept: the canonical URL is
   * derived from `page`) and rested on `dependencies`. For a folder URL, the index names tried before `page`
   * count as missing dependencies: if one appears, it is served instead.
   */
  record(url: string, page: string, dependencies: Iterable<GraphDependency>): void {
    const previous = this.pages.get(page);
    const asFolder = url.endsWith('/') && this.isIndexName(page);
    const entry: PageRecord = {
      paths: new Set([page]),
      asFile: (previous?.asFile ?? false) || !asFolder,
      asFolder: (previous?.asFolder ?? false) || asFolder,
    };
    for (const dependency of dependencies) entry.paths.add(dependency.path);
    if (entry.asFolder) for (const candidate of this.indexCandidatesBefore(page)) entry.paths.add(candidate);
    this.forget(page);
    this.pages.set(page, entry);
    for (const path of entry.paths) {
      let pages = this.pagesByPath.get(path);
      if (pages === undefined) this.pagesByPath.set(path, (pages = new Set()));
      pages.add(page);
    }
  }

  /**
   * Records every page of a build manifest under its own path and, for a directory index, under its folder's
   * URL too (`/news/index.shtml` is also `/news/`).
   */
  recordManifest(pages: ManifestPages): void {
    for (const [page, record] of Object.entries(pages)) {
      this.record(page, page, record.dependencies);
      if (this.isIndexName(page))
        this.record(page.slice(0, page.lastIndexOf('/') + 1), page, record.dependencies);
    }
  }

  /** Drops what the page file (or canonical URL) `page` rested on, e.g. it no longer exists. */
  forget(page: string): void {
    const file = this.fileOf(page) ?? page;
    const previous = this.pages.get(file);
    if (previous === undefined) return;
    this.pages.delete(file);
    for (const path of previous.paths) {
      const pages = this.pagesByPath.get(path);
      pages?.delete(file);
      if (pages?.size === 0) this.pagesByPath.delete(path);
    }
  }

  /**
   * The page files whose response may differ now that `changedPath` changed, appeared or went away, sorted. A
   * folder's path (a folder removed or renamed) affects every page resting on a file below it.
   */
  affectedFiles(changedPath: string): string[] {
    const affected = new Set<string>();
    for (const path of this.knownPathsAt(changedPath))
      for (const page of this.pagesByPath.get(path) ?? []) affected.add(page);
    return [...affected].sort();
  }

  /** The canonical URLs of the pages `changedPath` affects (see affectedFiles), sorted. */
  affectedPages(changedPath: string): string[] {
    return this.affectedFiles(changedPath)
      .flatMap((page) => this.urlsOf(page))
      .sort();
  }

  /**
   * The paths some page rests on that are `changedPath` itself or below it (when it is a folder): the files whose
   * purge tags a change of `changedPath` calls for.
   */
  knownPathsAt(changedPath: string): string[] {
    const known = this.pagesByPath.has(changedPath) ? [changedPath] : [];
    const folder = changedPath.endsWith('/') ? changedPath : `${changedPath}/`;
    for (const path of this.pagesByPath.keys()) if (path.startsWith(folder)) known.push(path);
    return known;
  }

  /** The canonical URLs `page` was asked for under: its own path, its folder's URL, or both. */
  urlsOf(page: string): string[] {
    const entry = this.pages.get(page);
    if (entry === undefined) return [];
    const urls: string[] = [];
    if (entry.asFolder) urls.push(page.slice(0, page.lastIndexOf('/') + 1));
    if (entry.asFile) urls.push(page);
    return urls;
  }

  /** The files the page answering `url` (a canonical URL or a page file) rested on when last recorded. */
  dependenciesOf(url: string): string[] | undefined {
    const file = this.pages.has(url) ? url : this.fileOf(url);
    return file === undefined ? undefined : [...(this.pages.get(file)?.paths ?? [])];
  }

  /** The docroot file that answered the canonical URL `url` (its purge tag is the page's own), or undefined. */
  fileOf(url: string): string | undefined {
    if (this.pages.get(url)?.asFile) return url;
    if (!url.endsWith('/')) return undefined;
    return this.directoryIndex.map((name) => `${url}${name}`).find((page) => this.pages.get(page)?.asFolder);
  }

  /** The page files recorded: at most the number of files in the docroot. */
  get size(): number {
    return this.pages.size;
  }

  private isIndexName(page: string): boolean {
    return this.directoryIndex.includes(page.slice(page.lastIndexOf('/') + 1));
  }

  private indexCandidatesBefore(page: string): string[] {
    const slash = page.lastIndexOf('/');
    const folder = page.slice(0, slash + 1);
    const position = this.directoryIndex.indexOf(page.slice(slash + 1));
    if (position < 0) return [];
    return this.directoryIndex.slice(0, position).map((name) => `${folder}${name}`);
  }
}
