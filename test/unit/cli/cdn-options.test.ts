// The CDN surface of the CLI: `cdn-include tag`, serve's tag flags, and the tag and cache-policy config keys.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandIo } from '../../../src/cli/command';
import { readConfigFile } from '../../../src/cli/config-file';
import { parseServeArguments } from '../../../src/cli/serve-command';
import { tagCommand } from '../../../src/cli/tag-command';
import { directoryTagOf, tagOf } from '../../../src/server/purge-tags';

function fakeIo(): { io: CommandIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env: {},
    cwd: '/',
    stopSignal: new Promise<string>(() => undefined),
  };
  return { io, out, err };
}

describe('cdn-include tag', () => {
  it('for docroot paths › one line each: file tag, folder tag, path', async () => {
    const { io, out } = fakeIo();
    expect(await tagCommand.run(['/inc/header.html', '/index.shtml'], io)).toBe(0);
    expect(out.join('')).toBe(
      `${tagOf('/inc/header.html')}\t${directoryTagOf('/inc/header.html')}\t/inc/header.html\n` +
        `${tagOf('/index.shtml')}\t${tagOf('/')}\t/index.shtml\n`,
    );
  });

  it.each([[[]], [['inc/header.html']]])('for %j › one usage line, exit 2', async (args) => {
    const { io, err } = fakeIo();
    expect(await tagCommand.run(args, io)).toBe(2);
    expect(err.join('')).toMatch(/^cdn-include tag: .*\n$/);
  });
});

describe('serve tag flags', () => {
  it('--no-purge-tags, --surrogate-key-header xkey, --cache-tag-header none › the options', () => {
    const args = ['site', '--no-purge-tags', '--surrogate-key-header', 'xkey', '--cache-tag-header', 'none'];
    expect(parseServeArguments(args, '/srv')).toMatchObject({
      kind: 'run',
      options: { purgeTags: false, surrogateKeyHeader: 'xkey', cacheTagHeader: false },
    });
  });

  it('a header name with a space › a usage error naming the flag', () => {
    expect(parseServeArguments(['--cache-tag-header', 'Cache Tag'], '/srv')).toMatchObject({
      kind: 'usage-error',
      message: expect.stringContaining('--cache-tag-header'),
    });
  });
});

describe('config file tag keys', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-tag-config-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('purgeTags, surrogateKeyHeader, cacheTagHeader, maxTagHeaderBytes › accepted', () => {
    const file = join(folder, 'good.json');
    const config = {
      purgeTags: true,
      surrogateKeyHeader: 'xkey',
      cacheTagHeader: false,
      maxTagHeaderBytes: 8192,
    };
    writeFileSync(file, JSON.stringify(config));
    expect(readConfigFile(file)).toEqual(config);
  });

  it('a header name that is not a token › a one-line usage error', () => {
    const file = join(folder, 'bad.json');
    writeFileSync(file, JSON.stringify({ surrogateKeyHeader: 'Surrogate Key' }));
    expect(() => readConfigFile(file)).toThrow(/'surrogateKeyHeader' must be a header name/);
  });

  it('cacheRules › accepted when valid; a bad rule is one usage line naming the rule and key', () => {
    const good = join(folder, 'rules.json');
    const rules = [
      { path: '/assets/**', maxAge: 86400, immutable: true },
      { type: 'text/html', sMaxAge: 300 },
    ];
    writeFileSync(good, JSON.stringify({ cacheRules: rules }));
    expect(readConfigFile(good)).toEqual({ cacheRules: rules });
    const bad = join(folder, 'bad-rules.json');
    writeFileSync(bad, JSON.stringify({ cacheRules: [{ path: '/a/**' }, { maxAge: 'long' }] }));
    expect(() => readConfigFile(bad)).toThrow(
      `config file '${bad}': cacheRules[1].maxAge must be a whole number of seconds ≥ 0`,
    );
    writeFileSync(bad, JSON.stringify({ cacheRules: { path: '/' } }));
    expect(() => readConfigFile(bad)).toThrow(/'cacheRules' must be a list of rule objects/);
  });
});
