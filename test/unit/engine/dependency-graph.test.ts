// The dependency graph: which page URLs a changed file affects, from renders and from a build manifest.

import { DependencyGraph } from '../../../src/engine/dependency-graph';

const found = (path: string) => ({ path, exists: true });
const missing = (path: string) => ({ path, exists: false });

function siteGraph(): DependencyGraph {
  const graph = new DependencyGraph();
  graph.record('/', '/index.shtml', [
    found('/index.shtml'),
    found('/inc/nav.html'),
    found('/inc/footer.html'),
  ]);
  graph.record('/about.shtml', '/about.shtml', [found('/inc/nav.html'), missing('/inc/banner.html')]);
  graph.record('/news/', '/news/index.shtml', [found('/inc/nav.html'), found('/news/items/today.html')]);
  graph.record('/style.css', '/style.css', []);
  return graph;
}

describe('DependencyGraph.affectedPages', () => {
  it.each([
    ['/inc/nav.html', ['/', '/about.shtml', '/news/']],
    ['/inc/footer.html', ['/']],
    ['/index.shtml', ['/']],
    ['/style.css', ['/style.css']],
    ['/news/index.shtml', ['/news/']],
    ['/unrelated.html', []],
  ])('when %s changes › affects %j', (changed, expected) => {
    expect(siteGraph().affectedPages(changed)).toEqual(expected);
  });

  it('when a missing include appears › affects the pages that looked for it', () => {
    expect(siteGraph().affectedPages('/inc/banner.html')).toEqual(['/about.shtml']);
  });

  it('when an earlier directory-index candidate appears › affects the folder URL', () => {
    const graph = new DependencyGraph({ directoryIndex: ['index.html', 'index.shtml'] });
    graph.record('/news/', '/news/index.shtml', []);
    expect(graph.affectedPages('/news/index.html')).toEqual(['/news/']);
    expect(graph.dependenciesOf('/news/')).toEqual(['/news/index.shtml', '/news/index.html']);
    expect(graph.fileOf('/news/')).toBe('/news/index.shtml');
    expect(graph.fileOf('/other/')).toBeUndefined();
  });

  it('when a later directory-index candidate appears › affects nothing (the earlier one still wins)', () => {
    const graph = new DependencyGraph({ directoryIndex: ['index.shtml', 'index.html'] });
    graph.record('/news/', '/news/index.shtml', []);
    expect(graph.affectedPages('/news/index.html')).toEqual([]);
  });

  it('when a folder goes away › affects every page resting on a file below it', () => {
    expect(siteGraph().affectedPages('/news/items')).toEqual(['/news/']);
    expect(siteGraph().affectedPages('/inc/')).toEqual(['/', '/about.shtml', '/news/']);
  });

  it('when a page is recorded again › its old dependencies no longer affect it', () => {
    const graph = siteGraph();
    graph.record('/about.shtml', '/about.shtml', [found('/inc/other.html')]);
    expect(graph.affectedPages('/inc/nav.html')).toEqual(['/', '/news/']);
    expect(graph.affectedPages('/inc/other.html')).toEqual(['/about.shtml']);
    expect(graph.size).toBe(4);
  });

  it('when a page is forgotten › nothing affects it', () => {
    const graph = siteGraph();
    graph.forget('/');
    expect(graph.affectedPages('/inc/footer.html')).toEqual([]);
    expect(graph.dependenciesOf('/')).toBeUndefined();
  });
});

describe('DependencyGraph.recordManifest', () => {
  const pages = {
    '/index.shtml': { dependencies: [found('/index.shtml'), found('/inc/nav.html')] },
    '/docs/index.shtml': { dependencies: [found('/docs/index.shtml'), missing('/inc/missing.html')] },
    '/about.shtml': { dependencies: [found('/about.shtml'), found('/inc/nav.html')] },
  };

  it('records each page under its path and a directory index under its folder too', () => {
    const graph = new DependencyGraph();
    graph.recordManifest(pages);
    expect(graph.affectedPages('/inc/nav.html')).toEqual(['/', '/about.shtml', '/index.shtml']);
    expect(graph.affectedPages('/inc/missing.html')).toEqual(['/docs/', '/docs/index.shtml']);
  });

  it('merges with pages rendered by the server', () => {
    const graph = new DependencyGraph();
    graph.recordManifest(pages);
    graph.record('/extra.shtml', '/extra.shtml', [found('/inc/nav.html')]);
    expect(graph.affectedPages('/inc/nav.html')).toEqual([
      '/',
      '/about.shtml',
      '/extra.shtml',
      '/index.shtml',
    ]);
  });
});

describe('DependencyGraph keyed by the file that answered', () => {
  it('when a page is asked for under thousands of aliases › holds one record with its canonical URLs', () => {
    const graph = new DependencyGraph();
    for (let index = 0; index < 5000; index++) {
      // What the middleware reports for `//…/index.shtml`, `/%69ndex.shtml` and `//…/`: the raw path, the same file.
      const slashes = '/'.repeat(1 + (index % 50));
      const alias =
        index % 3 === 0 ? slashes : index % 3 === 1 ? `${slashes}index.shtml` : `/%69ndex.shtml${index}`;
      graph.record(alias, '/index.shtml', [found('/inc/nav.html')]);
    }
    expect(graph.size).toBe(1);
    expect(graph.affectedPages('/inc/nav.html')).toEqual(['/', '/index.shtml']);
    expect(graph.affectedFiles('/inc/nav.html')).toEqual(['/index.shtml']);
  });

  it('when many pages are rendered again and again › the graph grows with the files, not the requests', () => {
    const graph = new DependencyGraph();
    for (let round = 0; round < 20; round++)
      for (let page = 0; page < 100; page++)
        graph.record(`/${'/'.repeat(round)}p${page}.shtml`, `/p${page}.shtml`, [
          found(`/inc/part${round}.html`),
        ]);
    expect(graph.size).toBe(100);
    // Each record keeps the dependencies of its latest render only.
    expect(graph.affectedFiles('/inc/part0.html')).toEqual([]);
    expect(graph.affectedFiles('/inc/part19.html')).toHaveLength(100);
  });

  it('knownPathsAt › names the changed file, or the known files below a changed folder', () => {
    const graph = siteGraph();
    expect(graph.knownPathsAt('/inc/nav.html')).toEqual(['/inc/nav.html']);
    expect(graph.knownPathsAt('/inc').sort()).toEqual([
      '/inc/banner.html',
      '/inc/footer.html',
      '/inc/nav.html',
    ]);
    expect(graph.knownPathsAt('/unrelated.html')).toEqual([]);
  });
});
