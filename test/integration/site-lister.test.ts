// NodeSiteLister on a real folder: what it lists (files at every depth, links to files) and leaves out (hidden
// entries, excluded folders, links to folders, dangling links), and that it reads several folders at once but
// never more than a few, whatever the number of folders.

import { type Dirent, mkdirSync, symlinkSync } from 'node:fs';
import { NodeFileSource } from '../../src/engine/node-file-source';
import { NodeSiteLister } from '../../src/site-build/node-site-lister';
import { TempSite } from '../support/temp-site';

let site: TempSite;

afterEach(() => {
  site.remove();
  jest.restoreAllMocks();
});

it('lists the files of every folder, at every depth, and the links to files', async () => {
  site = new TempSite()
    .write('index.shtml', 'home')
    .write('a/one.html', '1')
    .write('a/b/two.html', '2')
    .write('a/b/c/three.html', '3')
    .write('.hidden/secret.html', 's')
    .write('a/.env', 'x')
    .write('out/old.html', 'o');
  symlinkSync('one.html', site.path('a/link.html'));
  symlinkSync('b', site.path('a/folder-link'));
  symlinkSync('nowhere.html', site.path('a/dangling.html'));
  const lister = new NodeSiteLister(site.root, { exclude: [site.path('out')] });
  const paths = await lister.list();
  expect([...paths].sort()).toEqual([
    '/a/b/c/three.html',
    '/a/b/two.html',
    '/a/link.html',
    '/a/one.html',
    '/index.shtml',
  ]);
});

it('reads several folders at once, and at most a few', async () => {
  site = new TempSite().write('index.shtml', 'home');
  for (let folder = 0; folder < 40; folder++) {
    site.write(`s${folder}/page.html`, String(folder));
    mkdirSync(site.path(`s${folder}/inner`));
  }
  let reading = 0;
  let most = 0;
  const read = NodeFileSource.prototype.readDirectory;
  jest.spyOn(NodeFileSource.prototype, 'readDirectory').mockImplementation(async function (
    this: NodeFileSource,
    path: string,
  ) {
    most = Math.max(most, ++reading);
    try {
      return await read.call(this, path);
    } finally {
      reading--;
    }
  });
  const paths = await new NodeSiteLister(site.root).list();
  expect(paths).toHaveLength(41);
  expect(most).toBeGreaterThan(1);
  expect(most).toBeLessThanOrEqual(8);
});

it('says which root it cannot list', async () => {
  site = new TempSite().write('file.html', 'not a folder');
  await expect(new NodeSiteLister(site.path('file.html')).list()).rejects.toThrow(
    /cannot list .*file\.html: missing/,
  );
});

it('a folder of 200,000 entries › listed whole (more than one call can spread)', async () => {
  site = new TempSite().write('index.shtml', 'home');
  const count = 200_000;
  const entries = Array.from({ length: count }, (_, index) => ({
    name: `page-${index}.html`,
    isDirectory: () => false,
    isFile: () => true,
    isSymbolicLink: () => false,
  }));
  jest
    .spyOn(NodeFileSource.prototype, 'readDirectory')
    .mockResolvedValue({ status: 'found', entries: entries as unknown as Dirent[] });
  const paths = await new NodeSiteLister(site.root).list();
  expect(paths).toHaveLength(count);
  expect(paths[count - 1]).toBe(`/page-${count - 1}.html`);
});
