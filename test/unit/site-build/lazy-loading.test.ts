// What a build loads in its own thread: the SSI engine only when a page renders here (not when a pageWriter, the
// render threads', takes them), the watch mode only for --watch, and not through the config file's check of
// errorDocuments.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite } from '../../../src/site-build/build-site';
import { readConfigFile } from '../../../src/cli/config-file';
import { MemoryOutputFs } from '../../support/memory-output-fs';
import { MemorySite } from '../../support/memory-site';

// Loading any of these throws, for every module of this file: the page writer (and with it the engine), the
// engine's render, which the middleware's error documents use, and the build's watch mode.
jest.mock('../../../src/site-build/page-writer', () => {
  throw new Error('page-writer was loaded');
});
jest.mock('../../../src/engine/render', () => {
  throw new Error('render was loaded');
});

jest.mock('../../../src/cli/watch-mode', () => {
  throw new Error('watch-mode was loaded');
});

function site(): MemorySite {
  return new MemorySite({ '/index.shtml': { content: 'hello', mtimeMs: Date.UTC(2026, 0, 1) } });
}

describe('a build', () => {
  it('whose pages a pageWriter takes › never loads the page writer, nor the engine behind it', async () => {
    const files = site();
    const report = await buildSite({
      source: files,
      lister: files,
      output: new MemoryOutputFs(),
      pageWriter: async () => ({ ok: false, message: 'rendered elsewhere' }),
    });
    expect(report.failures).toEqual([{ path: '/index.shtml', message: 'rendered elsewhere' }]);
  });

  it('rendering in its own thread › loads the page writer (the control: loading it throws here)', async () => {
    const files = site();
    const report = await buildSite({ source: files, lister: files, output: new MemoryOutputFs() });
    expect(report.failures[0]?.message).toContain('page-writer was loaded');
  });
});

describe('a config file with errorDocuments', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-lazy-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('is checked without loading the SSI engine', () => {
    const file = join(folder, 'config.json');
    writeFileSync(file, JSON.stringify({ errorDocuments: { 404: '/errors/404.shtml' } }));
    expect(readConfigFile(file)).toMatchObject({ errorDocuments: { 404: '/errors/404.shtml' } });
  });

  it('the middleware that sends them › does load it (the control)', () => {
    expect(() => jest.requireActual('../../../src/server/error-documents')).toThrow('render was loaded');
  });
});

describe('the build command', () => {
  it('loads without the watch mode, which only --watch needs', () => {
    expect(() => jest.requireActual('../../../src/cli/build-command')).not.toThrow();
    expect(() => jest.requireMock('../../../src/cli/watch-mode')).toThrow('watch-mode was loaded');
  });
});
