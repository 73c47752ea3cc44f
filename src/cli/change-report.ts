// What a batch of changed files means for the site: the pages each one affects, and the log line for it.
// Pure: the graph answers, the caller logs, drops cached responses and purges.

import type { DependencyGraph } from '../engine/dependency-graph';

/** One changed file and the page URLs it affects. */
export interface ChangeReport {
  path: string;
  pages: string[];
}

/** Page URLs listed in one log line before the rest is counted: a change to the site header lists a few. */
export const MAX_LISTED_PAGES = 10;

/**
 * The affected pages of each changed path, in the order given, plus every affected page once.
 * @example
 * reportChanges(graph, ['/inc/nav.html']);
 * // → { changes: [{ path: '/inc/nav.html', pages: ['/', '/about.shtml'] }], pages: ['/', '/about.shtml'] }
 */
export function reportChanges(
  graph: DependencyGraph,
  paths: readonly string[],
): { changes: ChangeReport[]; pages: string[] } {
  const changes = paths.map((path) => ({ path, pages: graph.affectedPages(path) }));
  const pages = [...new Set(changes.flatMap((change) => change.pages))].sort();
  return { changes, pages };
}

/**
 * The log line of one change: `changed /inc/nav.html → 3 pages: /, /about.shtml, /news/`.
 * @example
 * formatChange({ path: '/x.html', pages: [] }); // → 'changed /x.html → no page rendered so far rests on it'
 */
export function formatChange(change: ChangeReport): string {
  const { path, pages } = change;
  if (pages.length === 0) return `changed ${path} → no page rendered so far rests on it`;
  const listed = pages.slice(0, MAX_LISTED_PAGES).join(', ');
  const more = pages.length > MAX_LISTED_PAGES ? ` and ${pages.length - MAX_LISTED_PAGES} more` : '';
  return `changed ${path} → ${pages.length} ${pages.length === 1 ? 'page' : 'pages'}: ${listed}${more}`;
}
