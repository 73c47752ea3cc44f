// Changed files → affected pages → log lines.

import { formatChange, MAX_LISTED_PAGES, reportChanges } from '../../../src/cli/change-report';
import { DependencyGraph } from '../../../src/engine/dependency-graph';

describe('reportChanges', () => {
  it('lists the pages of each change and every affected page once', () => {
    const graph = new DependencyGraph();
    graph.record('/', '/index.shtml', [{ path: '/inc/nav.html', exists: true }]);
    graph.record('/about.shtml', '/about.shtml', [
      { path: '/inc/nav.html', exists: true },
      { path: '/inc/ad.html', exists: false },
    ]);
    expect(reportChanges(graph, ['/inc/nav.html', '/inc/ad.html', '/x.css'])).toEqual({
      changes: [
        { path: '/inc/nav.html', pages: ['/', '/about.shtml'] },
        { path: '/inc/ad.html', pages: ['/about.shtml'] },
        { path: '/x.css', pages: [] },
      ],
      pages: ['/', '/about.shtml'],
    });
  });
});

describe('formatChange', () => {
  it.each([
    [['/', '/about.shtml', '/news/'], 'changed /inc/nav.html → 3 pages: /, /about.shtml, /news/'],
    [['/'], 'changed /inc/nav.html → 1 page: /'],
    [[], 'changed /inc/nav.html → no page rendered so far rests on it'],
  ])('with pages %j › %s', (pages, line) => {
    expect(formatChange({ path: '/inc/nav.html', pages })).toBe(line);
  });

  it('when many pages are affected › lists the first ones and counts the rest', () => {
    const pages = Array.from(
      { length: MAX_LISTED_PAGES + 5 },
      (_, i) => `/p${String(i).padStart(2, '0')}.shtml`,
    );
    const line = formatChange({ path: '/inc/nav.html', pages });
    expect(line).toMatch(/^changed \/inc\/nav\.html → 15 pages: \/p00\.shtml, .*\/p09\.shtml and 5 more$/);
  });
});
