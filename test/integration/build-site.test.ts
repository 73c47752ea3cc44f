// buildSite on real folders: node:fs ports, mtimes set with utimes, the manifest on disk, and removals.

import {
  mkdirSync,
  symlinkSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NodeFileSource } from '../../src/engine/node-file-source';
import { renderPage } from '../../src/engine/render';
import { buildSite } from '../../src/site-build/build-site';
import { type BuildReport } from '../../src/site-build/build-report';
import { NodeOutputFs } from '../../src/site-build/node-output-fs';
import { NodeSiteLister } from '../../src/site-build/node-site-lister';

const BASE = Date.UTC(2025, 0, 1);
const FIRST_BUILD = BASE + 100_000;
const SECOND_BUILD = BASE + 200_000;

let folder: string;
let root: string;
let out: string;

function put(path: string, content: string, mtimeMs: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
}

function build(now: number): Promise<BuildReport> {
  return buildSite({
    source: new NodeFileSource(root),
    lister: new NodeSiteLister(root),
    output: new NodeOutputFs(out),
    now,
  });
}

function outputMtime(path: string): number {
  return statSync(join(out, path)).mtimeMs;
}

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'cdn-include-build-'));
  root = join(folder, 'site');
  out = join(folder, 'out');
  put('/index.shtml', '<!--#include virtual="/inc/header.html" -->Home', BASE + 1_500);
  put('/news/index.shtml', '<!--#include virtual="/inc/nav.shtml" -->News', BASE + 2_000);
  put('/inc/nav.shtml', '<!--#include file="header.html" -->Nav', BASE + 3_000);
  put('/inc/header.html', '<h1>Site</h1>', BASE + 5_700);
  put('/old/gone.shtml', 'Soon gone', BASE + 1_000);
  put('/img/logo.svg', '<svg/>', BASE + 7_250.5);
  put('/.env', 'SECRET=1', BASE);
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('building into a real folder', () => {
  it('a first build › writes each render with the virtual Last-Modified as mtime, and copies the rest', async () => {
    const report = await build(FIRST_BUILD);
    expect(report).toMatchObject({ rendered: 4, copied: 2, failures: [] });
    const render = await renderPage(
      { path: '/news/index.shtml', time: FIRST_BUILD },
      { source: new NodeFileSource(root) },
    );
    if (render.status !== 'ok') throw new Error(render.status);
    expect(readFileSync(join(out, 'news/index.shtml'))).toEqual(render.body);
    expect(outputMtime('/news/index.shtml')).toBe(BASE + 5_000);
    expect(Math.abs(outputMtime('/img/logo.svg') - (BASE + 7_250.5))).toBeLessThan(1);
    expect(existsSync(join(out, '.env'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, '.cdn-include-manifest.json'), 'utf8'))).toMatchObject({
      version: 2,
    });
  });

  it('a second build with nothing changed › renders and copies nothing', async () => {
    await build(FIRST_BUILD);
    const second = await build(SECOND_BUILD);
    expect(second).toMatchObject({ rendered: 0, skipped: 4, copied: 0, unchanged: 2, removed: 0 });
  });

  it('a touched fragment › re-renders only the pages that include it', async () => {
    await build(FIRST_BUILD);
    utimesSync(join(root, 'inc/header.html'), (BASE + 50_000) / 1000, (BASE + 50_000) / 1000);
    const second = await build(SECOND_BUILD);
    expect(second.pages.filter((page) => page.rendered).map((page) => page.path)).toEqual([
      '/inc/nav.shtml',
      '/index.shtml',
      '/news/index.shtml',
    ]);
    expect(outputMtime('/index.shtml')).toBe(BASE + 50_000);
  });

  it('a fragment restored from an older copy › moves the pages’ mtime forward', async () => {
    await build(FIRST_BUILD);
    put('/inc/header.html', '<h1>Restored</h1>', BASE + 1_000);
    await build(SECOND_BUILD);
    expect(readFileSync(join(out, 'index.shtml'), 'utf8')).toBe('<h1>Restored</h1>Home');
    expect(outputMtime('/index.shtml')).toBe(SECOND_BUILD);
  });

  it('a deleted page › loses its output and the folder it leaves empty', async () => {
    await build(FIRST_BUILD);
    unlinkSync(join(root, 'old/gone.shtml'));
    const second = await build(SECOND_BUILD);
    expect(second.removed).toBe(1);
    expect(existsSync(join(out, 'old'))).toBe(false);
  });

  it('an output folder inside the docroot, excluded › is not built into itself', async () => {
    const inner = join(root, 'dist');
    const options = { source: new NodeFileSource(root), output: new NodeOutputFs(inner), now: FIRST_BUILD };
    await buildSite({ ...options, lister: new NodeSiteLister(root, { exclude: [inner] }) });
    const second = await buildSite({ ...options, lister: new NodeSiteLister(root, { exclude: [inner] }) });
    expect(second).toMatchObject({ rendered: 0, copied: 0 });
    expect(existsSync(join(inner, 'dist'))).toBe(false);
  });

  it('a symlink out of the docroot › is reported as a failure and not copied', async () => {
    writeFileSync(join(folder, 'outside.txt'), 'private');
    symlinkSync(join(folder, 'outside.txt'), join(root, 'leak.txt'));
    const report = await build(FIRST_BUILD);
    expect(report.failures).toEqual([
      { path: '/leak.txt', message: expect.stringContaining('may not be served') },
    ]);
    expect(existsSync(join(out, 'leak.txt'))).toBe(false);
    expect(report.rendered).toBe(4);
  });
});
