// An incremental build on a file system with coarse timestamps: a file rewritten to the same size within the tick
// in which the previous build read it keeps its size and mtime, and must still be built again; the same bytes,
// which the previous build recorded a digest of, need not be.

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

/** The site and its output after a first build 300 ms into the tick of the racy files. */
async function builtWithinTheTick(): Promise<{ files: MemorySite; output: MemoryOutputFs }> {
  const files = site();
  const output = new MemoryOutputFs();
  await build(files, output, TICK + 300);
  return { files, output };
}

describe('a same-size rewrite within the tick the previous build read the file in', () => {
  it('an include › the page is rendered again with the new bytes', async () => {
    const { files, output } = await builtWithinTheTick();
    expect(text(output, '/index.shtml')).toBe('old');
    files.write('/inc/frag.html', 'new', TICK);
    const report = await build(files, output, TICK + 600);
    expect(text(output, '/index.shtml')).toBe('new');
    expect(report.pages.find((page) => page.path === '/index.shtml')?.reason).toMatch(/timestamp tick/);
  });

  it('the page itself › rendered again with its new bytes', async () => {
    const files = site();
    const output = new MemoryOutputFs();
    files.write('/index.shtml', 'A <!--#include virtual="/inc/frag.html" -->', TICK);
    await build(files, output, TICK + 300);
    files.write('/index.shtml', 'B <!--#include virtual="/inc/frag.html" -->', TICK);
    await build(files, output, TICK + 600);
    expect(text(output, '/index.shtml')).toBe('B old');
  });

  it('a static file › copied again', async () => {
    const { files, output } = await builtWithinTheTick();
    files.write('/style.css', 'b{}', TICK);
    await build(files, output, TICK + 600);
    expect(text(output, '/style.css')).toBe('b{}');
  });

  it('the same bytes › the page is not rendered again: the digest of the racy include recorded by the build vouches for them', async () => {
    const { files, output } = await builtWithinTheTick();
    expect(output.manifest).toContain(`"/inc/frag.html","include",true,3,${TICK},"`);
    const again = await build(files, output, TICK + 600);
    expect(again).toMatchObject({ rendered: 0, skipped: 1 });
    // Rewritten with the same bytes in the tick: still the bytes the page was made from.
    files.write('/inc/frag.html', 'old', TICK);
    expect(await build(files, output, TICK + 900)).toMatchObject({ rendered: 0, skipped: 1 });
  });

  it('a racy include without a recorded digest (a manifest of an earlier build) › rendered again', async () => {
    const { files, output } = await builtWithinTheTick();
    output.manifest = output.manifest?.replace(/("\/inc\/frag\.html","include",true,3,\d+),"[^"]*"/, '$1');
    expect(output.manifest).not.toMatch(/"\/inc\/frag\.html"[^\n]*,"[A-Za-z0-9+/=]{44}"\]/);
    const again = await build(files, output, TICK + 600);
    expect(again.pages.find((page) => page.path === '/index.shtml')?.reason).toMatch(/timestamp tick/);
  });

  it('a static file rewritten with the same bytes › not copied again: the digest of its output vouches for them', async () => {
    const { files, output } = await builtWithinTheTick();
    files.write('/style.css', 'a{}', TICK);
    expect(await build(files, output, TICK + 600)).toMatchObject({ copied: 0, unchanged: 2 });
  });

  it('once a build started a whole tick after the change › the next build skips the page and the file', async () => {
    const { files, output } = await builtWithinTheTick();
    await build(files, output, TICK + TIMESTAMP_GRANULARITY_MS + 1000);
    const settled = await build(files, output, TICK + TIMESTAMP_GRANULARITY_MS + 5000);
    expect(settled).toMatchObject({ rendered: 0, skipped: 1, copied: 0, unchanged: 2 });
  });

  it('a rebuild that changes nothing a whole tick later › dates the manifest anew, so the build after it reads no bytes to check stamps', async () => {
    const { files, output } = await builtWithinTheTick();
    const settledAt = TICK + TIMESTAMP_GRANULARITY_MS + 1000;
    expect(await build(files, output, settledAt)).toMatchObject({ rendered: 0, copied: 0 });
    expect(output.manifest).toContain(`"builtAt":"${new Date(settledAt).toUTCString()}"`);
    const reads = jest.spyOn(files, 'read');
    expect(await build(files, output, settledAt + 5000)).toMatchObject({
      rendered: 0,
      skipped: 1,
      unchanged: 2,
    });
    expect(reads).not.toHaveBeenCalled();
  });

  it('only a copied file racy › dated anew all the same', async () => {
    const files = new MemorySite({ '/style.css': { content: 'a{}', mtimeMs: TICK } });
    const output = new MemoryOutputFs();
    await build(files, output, TICK + 300);
    const settledAt = TICK + TIMESTAMP_GRANULARITY_MS + 1000;
    await build(files, output, settledAt);
    const reads = jest.spyOn(files, 'read');
    expect(await build(files, output, settledAt + 5000)).toMatchObject({ copied: 0, unchanged: 1 });
    expect(reads).not.toHaveBeenCalled();
  });

  it('a file dated in the future (clock skew) › racy at every start, so rebuilds read it but never rewrite the manifest for it', async () => {
    const future = TICK + 3_600_000;
    const files = new MemorySite({
      '/index.shtml': { content: '<!--#include virtual="/inc/frag.html" -->', mtimeMs: TICK - 60_000 },
      '/inc/frag.html': { content: 'ahead', mtimeMs: future },
    });
    const output = new MemoryOutputFs();
    await build(files, output, TICK + 300);
    await build(files, output, TICK + TIMESTAMP_GRANULARITY_MS + 1000);
    const settled = output.manifest;
    const write = jest.spyOn(output, 'writeManifest');
    const again = await build(files, output, TICK + TIMESTAMP_GRANULARITY_MS + 5000);
    expect(again).toMatchObject({ rendered: 0, skipped: 1 });
    expect(write).not.toHaveBeenCalled();
    expect(output.manifest).toBe(settled);
  });

  it('a rebuild that changes nothing within the tick › leaves the manifest as it was', async () => {
    const { files, output } = await builtWithinTheTick();
    const before = output.manifest;
    await build(files, output, TICK + 600);
    expect(output.manifest).toBe(before);
  });
});
