// An incremental build on a file system with coarse timestamps: a file rewritten to the same size within the tick
// in which the previous build read it keeps its size and mtime, and must still be built again.

import { buildSite } from '../../../src/site-build/build-site';
import { MemoryOutputFs } from '../../support/memory-output-fs';
import { MemorySite } from '../../support/memory-site';
import { type BuildReport } from '../../../src/site-build/build-report';
import { TIMESTAMP_GRANULARITY_MS } from '../../../src/engine/racy-stamp';

// A whole second: the one-second file system stamps every write of the test with it.
const TICK = Date.UTC(2026, 0, 1, 12, 0, 0);

function site(): MemorySite {
  return new MemorySite({
    '/index.shtml': { content: '<!--#include virtual="/inc/frag.html" -->', mtimeMs: TICK - 60_000 },
    '/inc/frag.html': { content: 'old', mtimeMs: TICK },
    '/style.css': { content: 'a{}', mtimeMs: TICK },
  });
}

function build(files: MemorySite, output: MemoryOutputFs, now: number): Promise<BuildReport> {
  return buildSite({ source: files, lister: files, output, now });
}

function text(output: MemoryOutputFs, path: string): string | undefined {
  return output.files.get(path)?.bytes.toString();
}

describe('a same-size rewrite within the tick the previous build read the file in', () => {
  it('an include › the page is rendered again with the new bytes', async () => {
    const files = site();
    const output = new MemoryOutputFs();
    await build(files, output, TICK + 300);
    expect(text(output, '/index.shtml')).toBe('old');
    files.write('/inc/frag.html', 'new', TICK);
    const report = await build(files, output, TICK + 600);
    expect(text(output, '/index.shtml')).toBe('new');
    expect(report.pages.find((page) => page.path === '/index.shtml')?.reason).toMatch(/timestamp tick/);
  });

  it('a static file › copied again', async () => {
    const files = site();
    const output = new MemoryOutputFs();
    await build(files, output, TICK + 300);
    files.write('/style.css', 'b{}', TICK);
    await build(files, output, TICK + 600);
    expect(text(output, '/style.css')).toBe('b{}');
  });

  it('once a build started a whole tick after the change › the next build skips the page and the file', async () => {
    const files = site();
    const output = new MemoryOutputFs();
    await build(files, output, TICK + 300);
    await build(files, output, TICK + TIMESTAMP_GRANULARITY_MS + 1000);
    const settled = await build(files, output, TICK + TIMESTAMP_GRANULARITY_MS + 5000);
    expect(settled).toMatchObject({ rendered: 0, skipped: 1, copied: 0, unchanged: 2 });
  });
});
