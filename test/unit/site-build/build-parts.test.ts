// The build's small parts: option checks, the options hash, bounded concurrency and the staleness rules.

import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { resolveRenderOptions } from '../../../src/engine/render-options';
import {
  type BuildOptions,
  renderOptionsHash,
  resolveBuildOptions,
} from '../../../src/site-build/build-options';
import { mapConcurrently } from '../../../src/site-build/concurrency';
import { type PageRecord } from '../../../src/site-build/manifest';
import { MemoryOutputFs } from '../../support/memory-output-fs';
import { MemorySite } from '../../support/memory-site';
import { pageStaleness, StatCache } from '../../../src/site-build/page-staleness';
import { isHiddenPath } from '../../../src/site-build/site-lister';

describe('resolveBuildOptions', () => {
  const site = new MemorySite();
  const valid: BuildOptions = { source: site, lister: site, output: new MemoryOutputFs() };

  it.each<[string, Partial<Record<keyof BuildOptions, unknown>>, string]>([
    ['no lister', { lister: undefined }, "option 'lister'"],
    ['no output', { output: {} }, "option 'output'"],
    ['concurrency 0', { concurrency: 0 }, "option 'concurrency'"],
    ['a negative now', { now: -1 }, "option 'now'"],
    ['a bad ssiExtensions', { ssiExtensions: ['shtml'] }, "option 'ssiExtensions'"],
  ])('%s › throws a TypeError naming the option', (_name, change, message) => {
    expect(() => resolveBuildOptions({ ...valid, ...change } as BuildOptions)).toThrow(new RegExp(message));
  });

  it('no concurrency › defaults to 8', () => {
    expect(resolveBuildOptions(valid).concurrency).toBe(8);
  });
});

describe('renderOptionsHash', () => {
  const hash = (options: Parameters<typeof resolveRenderOptions>[0], generator = '') =>
    renderOptionsHash(resolveRenderOptions(options), generator);

  it('another source with the same options › gives the same hash', () => {
    expect(hash({ source: new MemoryFileSource() })).toBe(
      hash({ source: new MemoryFileSource({ '/a': { content: 'a' } }) }),
    );
  });

  it.each<[string, Partial<Parameters<typeof resolveRenderOptions>[0]>]>([
    ['ssiExtensions', { ssiExtensions: ['.html'] }],
    ['legacyExpressionPrefixes', { legacyExpressionPrefixes: ['/old/'] }],
    ['limits', { limits: { maxIncludeDepth: 3 } }],
    ['environment', { environment: { A: 'b' } }],
  ])('a different %s › changes the hash', (_name, change) => {
    const source = new MemoryFileSource();
    expect(hash({ source, ...change })).not.toBe(hash({ source }));
  });

  it('a different generator › changes the hash', () => {
    const source = new MemoryFileSource();
    expect(hash({ source }, 'cdn-include 1.0.0')).not.toBe(hash({ source }, 'cdn-include 1.0.1'));
  });
});

describe('mapConcurrently', () => {
  it('a limit of 3 › never runs more than 3 tasks at once and keeps the input order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0, 6], 3, async (item) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return item * 2;
    });
    expect(most).toBe(3);
    expect(results).toEqual([10, 2, 8, 4, 6, 0, 12]);
  });

  it('no items › resolves to none', async () => {
    expect(await mapConcurrently([], 8, async () => 1)).toEqual([]);
  });
});

describe('isHiddenPath', () => {
  it.each([
    ['/.env', true],
    ['/a/.git/config', true],
    ['/a/b.shtml', false],
    ['/a.b/c', false],
  ])('%s › %s', (path, hidden) => {
    expect(isHiddenPath(path)).toBe(hidden);
  });
});

describe('pageStaleness', () => {
  const site = new MemorySite({
    '/p.shtml': { content: 'page', mtimeMs: 1_000 },
    '/inc/a.html': { content: 'aa', mtimeMs: 2_000 },
  });
  const record: PageRecord = {
    etag: '"x"',
    lastModified: '',
    lastModifiedMs: 2_000,
    output: { size: 3, mtimeMs: 2_000 },
    sha256: 'eA==',
    dependencies: [
      { path: '/p.shtml', role: 'page', exists: true, size: 4, mtimeMs: 1_000 },
      { path: '/inc/a.html', role: 'include', exists: true, size: 2, mtimeMs: 2_000 },
      { path: '/inc/b.html', role: 'include', exists: false, size: -1, mtimeMs: 1_500 },
    ],
    requestDependence: { headers: [], personal: false, client: false, time: false, target: false },
    diagnostics: [],
  };

  async function staleness(change: Partial<PageRecord>, optionsChanged = false): Promise<string | undefined> {
    const output = new MemoryOutputFs();
    await output.write('/p.shtml', Buffer.from('out'), 2_000);
    return pageStaleness(
      '/p.shtml',
      { ...record, ...change },
      { optionsChanged, output, stats: new StatCache(site), previousBuildStart: 100_000 },
    );
  }

  it('a record matching every file › is up to date, whatever the missing file’s folder mtime', async () => {
    expect(await staleness({})).toBeUndefined();
  });

  it.each<[string, Partial<PageRecord>, string]>([
    [
      'another size of a dependency',
      { dependencies: [{ ...record.dependencies[1], size: 3 }] },
      'dependency /inc/a.html changed',
    ],
    [
      'another mtime of the page',
      { dependencies: [{ ...record.dependencies[0], mtimeMs: 999 }] },
      'dependency /p.shtml changed',
    ],
    [
      'a dependency that is now there',
      { dependencies: [{ ...record.dependencies[1], exists: false }] },
      'dependency /inc/a.html appeared',
    ],
    [
      'a dependency that is gone',
      { dependencies: [{ ...record.dependencies[2], exists: true, size: 1 }] },
      'dependency /inc/b.html changed',
    ],
    ['another output size', { output: { size: 4, mtimeMs: 2_000 } }, 'output file changed'],
    ['another output mtime', { output: { size: 3, mtimeMs: 3_000 } }, 'output file changed'],
    ['no dependencies (a failed render)', { dependencies: [] }, 'previous build did not finish it'],
    [
      'a pending Last-Modified',
      { lastModifiedPending: true },
      'Last-Modified pending from the previous build',
    ],
    ['no digest (a manifest of an older build)', { sha256: undefined }, 'no digest recorded'],
  ])('%s › is stale (%s)', async (_name, change, reason) => {
    expect(await staleness(change)).toBe(reason);
  });

  it('changed options › make it stale', async () => {
    expect(await staleness({}, true)).toBe('render options changed');
  });

  it('no record › is a new page', async () => {
    const output = new MemoryOutputFs();
    expect(
      await pageStaleness('/p.shtml', undefined, {
        optionsChanged: false,
        output,
        stats: new StatCache(site),
        previousBuildStart: 100_000,
      }),
    ).toBe('new page');
  });
});
