// `cdn-include build` end to end on real folders: output mtimes are the virtual Last-Modified; reruns are incremental.

import { readFileSync, statSync } from 'node:fs';
import { runCli } from '../../src/cli/main';
import { type CliOutcome, runCliOnce } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';

function build(args: string[]): Promise<CliOutcome> {
  return runCliOnce(['build', ...args]);
}

describe('cdn-include build', () => {
  let site: TempSite;
  let out: TempSite;
  beforeEach(() => {
    site = new TempSite()
      .write('a.shtml', 'A<!--#include virtual="/inc/shared.html" -->', at(10))
      .write('b.shtml', 'B<!--#include virtual="/inc/nested.shtml" -->', at(20))
      .write('c.shtml', 'C<!--#include virtual="/inc/other.html" -->', at(30))
      .write('inc/nested.shtml', '[<!--#include file="shared.html" -->]', at(15))
      .write('inc/shared.html', 'shared', at(100))
      .write('inc/other.html', 'other', at(5))
      .write('style.css', 'body{}', at(7));
    out = new TempSite();
  });
  afterEach(() => {
    site.remove();
    out.remove();
  });

  it('renders pages with mtime = virtual Last-Modified, copies files, and re-renders only pages including a touched fragment', async () => {
    const first = await build([site.root, '--out', out.root]);
    expect(first.code).toBe(0);
    expect(readFileSync(out.path('b.shtml'), 'latin1')).toBe('B[shared]');
    expect(statSync(out.path('a.shtml')).mtimeMs).toBe(at(100) * 1000);
    expect(statSync(out.path('c.shtml')).mtimeMs).toBe(at(30) * 1000);
    expect(statSync(out.path('style.css')).mtimeMs).toBe(at(7) * 1000);
    expect(first.stdout).toContain('copied');

    const again = await build([site.root, '--out', out.root]);
    expect(again.stdout).not.toContain('rendered /');
    expect(again.stdout).toMatch(/^0 rendered/m);

    site.touch('inc/shared.html', at(500));
    const third = await build([site.root, '--out', out.root]);
    const rendered = third.stdout
      .split('\n')
      .filter((line) => line.startsWith('rendered /'))
      .map((line) => line.split(/\s+/)[1]);
    expect(rendered.sort()).toEqual(['/a.shtml', '/b.shtml', '/inc/nested.shtml']);
    expect(statSync(out.path('a.shtml')).mtimeMs).toBe(at(500) * 1000);
    expect(statSync(out.path('c.shtml')).mtimeMs).toBe(at(30) * 1000);
  });

  it('many pages rendered › their report lines come in a few writes, not one per page', async () => {
    for (let page = 0; page < 300; page++) site.write(`many/page-${page}.shtml`, `page ${page}`, at(10));
    const writes: string[] = [];
    const code = await runCli(['build', site.root, '--out', out.root], {
      stdout: (text) => void writes.push(text),
      stderr: () => undefined,
      env: { XDG_STATE_HOME: process.env.XDG_STATE_HOME },
      cwd: process.cwd(),
      stopSignal: new Promise(() => undefined),
    });
    expect(code).toBe(0);
    expect(writes.join('').match(/^rendered \//gm)).toHaveLength(304);
    // The rendered lines (under 64 KiB here) and the summary.
    expect(writes).toHaveLength(2);
  });

  it('a missing --out › usage error, exit 2', async () => {
    const result = await build([site.root]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
