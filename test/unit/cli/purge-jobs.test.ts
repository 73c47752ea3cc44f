// What a batch of changed files purges, per kind of target: page URLs for {url}, the changed files' tags once
// otherwise (plus a coarsened page's own tag).

import { DependencyGraph } from '../../../src/engine/dependency-graph';
import { tagOf } from '../../../src/server/purge-tags';
import { mirrorLinkPurgeJobs, purgeJobs } from '../../../src/cli/watch-mode';
import { MIRROR_LINKS_TAG } from '../../../src/server/mirror-links';

const found = (path: string) => ({ path, exists: true });

function siteGraph(): DependencyGraph {
  const graph = new DependencyGraph();
  for (const alias of ['/', '//', '///']) graph.record(alias, '/index.shtml', [found('/inc/nav.html')]);
  for (const alias of ['/about.shtml', '//about.shtml', '/%61bout.shtml'])
    graph.record(alias, '/about.shtml', [found('/inc/nav.html'), found('/inc/footer.html')]);
  return graph;
}

describe('purgeJobs', () => {
  it('for a {url} target › one job per canonical URL of each affected page, with the page tag', () => {
    expect(purgeJobs(siteGraph(), ['/inc/nav.html'], 'url')).toEqual([
      { tag: tagOf('/about.shtml'), url: '/about.shtml' },
      { tag: tagOf('/index.shtml'), url: '/' },
    ]);
  });

  it.each(['tag', 'batch'] as const)(
    'for a %s target › the changed file tag once, whatever the pages',
    (kind) => {
      expect(purgeJobs(siteGraph(), ['/inc/nav.html'], kind)).toEqual([
        { tag: tagOf('/inc/nav.html'), url: '/inc/nav.html' },
      ]);
    },
  );

  it('when a folder changes › the tag of each known file below it', () => {
    expect(purgeJobs(siteGraph(), ['/inc'], 'tag').map((job) => job.url)).toEqual([
      '/inc/footer.html',
      '/inc/nav.html',
    ]);
  });

  it('when a file no page rests on changes › nothing', () => {
    expect(purgeJobs(siteGraph(), ['/unrelated.html'], 'tag')).toEqual([]);
  });

  it('when an affected page carried folder tags (too many files) › its own tag too', () => {
    const graph = new DependencyGraph();
    const many = Array.from({ length: 2000 }, (_unused, n) => found(`/parts/p${n}.html`));
    graph.record('/big.shtml', '/big.shtml', many);
    expect(purgeJobs(graph, ['/parts/p7.html'], 'tag').map((job) => job.url)).toEqual([
      '/big.shtml',
      '/parts/p7.html',
    ]);
  });
});

describe('mirrorLinkPurgeJobs', () => {
  it('a tag target › the one mirror-links tag, whatever the paths', () => {
    for (const kind of ['tag', 'batch'] as const)
      expect(mirrorLinkPurgeJobs(siteGraph(), new Set(['/index.shtml', '/about.shtml']), kind)).toEqual([
        { tag: MIRROR_LINKS_TAG, url: '/' },
      ]);
  });

  it('a URL target › each URL the paths were served at, none for paths never served', () => {
    expect(
      mirrorLinkPurgeJobs(siteGraph(), new Set(['/about.shtml', '/index.shtml', '/never.bin']), 'url'),
    ).toEqual([
      { tag: tagOf('/about.shtml'), url: '/about.shtml' },
      { tag: tagOf('/index.shtml'), url: '/' },
    ]);
  });
});
