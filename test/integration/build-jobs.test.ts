// `cdn-include build --jobs N` as a real process (render threads must run the compiled JavaScript): the output,
// its mtimes and the manifest are the same whether pages are rendered on one thread or on several. (No page
// depends on the build's clock, e.g. through a missing include: the two builds run in different seconds.)

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { compiledPackage } from '../support/compiled-cli';
import { at, TempSite } from '../support/temp-site';

jest.setTimeout(120_000);

const run = promisify(execFile);

/** Runs the compiled `cdn-include build ROOT --out OUT --jobs N`; resolves with its stdout. */
async function build(root: string, out: string, jobs: number): Promise<string> {
  const main = join(await compiledPackage(), 'cli/main.js');
  const { stdout } = await run(process.execPath, [main, 'build', root, '--out', out, '--jobs', String(jobs)]);
  return stdout;
}

/** Every output file with its bytes and mtime; the build's own files (written when it ends) without either time. */
function snapshot(out: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'latin1').replace(/"builtAt": ?"[^"]*"/, '"builtAt":""');
    const own = relative(out, file).startsWith('.');
    files[relative(out, file)] = `${own ? '' : statSync(file).mtimeMs} ${text}`;
  }
  return files;
}

function renderedPaths(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('rendered /'))
    .map((line) => line.split(/\s+/)[1])
    .sort();
}

describe('build --jobs', () => {
  const site = new TempSite();
  const outs = [new TempSite(), new TempSite()];
  beforeAll(() => {
    site
      .write('inc/head.html', '<head>', at(10))
      .write('inc/nav.shtml', '[<!--#include virtual="/inc/head.html" -->]', at(20))
      .write('bad.shtml', 'a<!--#frobnicate -->b', at(30))
      .write('style.css', 'body{}', at(5));
    for (let index = 0; index < 40; index++) {
      site.write(
        `s/page-${index}.shtml`,
        `${index}<!--#include virtual="/inc/nav.shtml" -->`,
        at(40 + index),
      );
    }
  });
  afterAll(() => [site, ...outs].forEach((folder) => folder.remove()));

  it('one thread and two › the same files, mtimes and manifest, first build and rebuild', async () => {
    const [one, two] = await Promise.all([
      build(site.root, outs[0].root, 1),
      build(site.root, outs[1].root, 2),
    ]);
    expect(renderedPaths(two)).toEqual(renderedPaths(one));
    expect(renderedPaths(two)).toHaveLength(42);
    expect(snapshot(outs[1].root)).toEqual(snapshot(outs[0].root));

    site.touch('inc/head.html', at(500));
    const [again, againTwo] = await Promise.all([
      build(site.root, outs[0].root, 1),
      build(site.root, outs[1].root, 2),
    ]);
    expect(renderedPaths(againTwo)).toEqual(renderedPaths(again));
    expect(renderedPaths(againTwo)).toHaveLength(41);
    expect(snapshot(outs[1].root)).toEqual(snapshot(outs[0].root));
  });
});
