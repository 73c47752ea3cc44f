// `--config FILE`: options from a JSON file, legacy expressions per URL-path prefix, flags winning, clear errors.

import { writeFileSync } from 'node:fs';
import request from 'supertest';
import type { CommandIo } from '../../src/cli/command';
import { readConfigFile } from '../../src/cli/config-file';
import { runCli } from '../../src/cli/main';
import { UsageError } from '../../src/cli/usage';
import { at, TempSite } from '../support/temp-site';

function io(stdout: string[], stderr: string[], stop: Promise<string>): CommandIo {
  return {
    stdout: (t) => void stdout.push(t),
    stderr: (t) => void stderr.push(t),
    env: {},
    cwd: process.cwd(),
    stopSignal: stop,
  };
}

describe('serve --config', () => {
  let site: TempSite;
  const LEGACY_PAGE =
    '<!--#set var="a" value="b" --><!--#if expr="$a = b" -->yes<!--#else -->no<!--#endif -->';
  beforeEach(() => {
    site = new TempSite().write('old/p.shtml', LEGACY_PAGE, at(1)).write('new/p.shtml', LEGACY_PAGE, at(1));
  });
  afterEach(() => site.remove());

  it('legacyExpressionPrefixes › only pages under the prefix use the legacy syntax; cacheControl applies', async () => {
    const config = site.path('../config-' + process.pid + '.json');
    writeFileSync(
      config,
      JSON.stringify({ legacyExpressionPrefixes: ['/old/'], cacheControl: 'public, max-age=5' }),
    );
    const stdout: string[] = [];
    let stop: (signal: string) => void = () => undefined;
    const running = runCli(
      ['serve', site.root, '--port', '0', '--config', config],
      io(stdout, [], new Promise((r) => (stop = r))),
    );
    for (let i = 0; i < 200 && !stdout.join('').includes('http://'); i++)
      await new Promise((r) => setTimeout(r, 10));
    const url = (/http:\/\/\S+/.exec(stdout.join(''))?.[0] ?? '').replace(/\/$/, '');
    const old = await request(url).get('/old/p.shtml');
    expect(old.text).toBe('yes');
    expect(old.headers['cache-control']).toBe('public, max-age=5');
    // Under ap_expr the legacy expression is a parse error; the httpd 2.4 binary then hides the if's body too.
    expect((await request(url).get('/new/p.shtml')).text).toBe(
      '[an error occurred while processing this directive]',
    );
    stop('SIGINT');
    expect(await running).toBe(0);
  });

  it('a config file with an unknown key › one line on stderr, exit 2', async () => {
    const config = site.path('../bad-' + process.pid + '.json');
    writeFileSync(config, JSON.stringify({ legacyPrefixes: ['/old/'] }));
    const stderr: string[] = [];
    expect(
      await runCli(['serve', site.root, '--config', config], io([], stderr, new Promise(() => undefined))),
    ).toBe(2);
    expect(stderr.join('')).toContain("unknown key 'legacyPrefixes'");
    expect(stderr.join('').trim().split('\n')).toHaveLength(1);
  });
});

describe('a config file with a directoryIndex entry that is not a plain file name', () => {
  let site: TempSite;
  beforeEach(() => {
    site = new TempSite().write('index.shtml', 'home');
  });
  afterEach(() => site.remove());

  it.each([['../.env'], ['.htaccess'], ['sub/index.html']])(
    '%j › one line on stderr naming the key, exit 2',
    async (name) => {
      const config = site.path('../index-' + process.pid + '.json');
      writeFileSync(config, JSON.stringify({ directoryIndex: ['index.html', name] }));
      const stderr: string[] = [];
      const code = await runCli(
        ['serve', site.root, '--config', config],
        io([], stderr, new Promise(() => undefined)),
      );
      expect(code).toBe(2);
      expect(stderr.join('')).toContain("'directoryIndex' must be a list of plain file names");
      expect(stderr.join('').trim().split('\n')).toHaveLength(1);
    },
  );
});

describe('readConfigFile', () => {
  const file = `${require('node:os').tmpdir()}/cdn-include-config-${process.pid}.json`;
  it.each([
    ['not JSON', '{', /config file/],
    ['an array', '[]', /JSON object/],
    ['a wrong type', '{"ssiExtensions": ".shtml"}', /ssiExtensions' must be/],
    ['an unknown limit', '{"limits": {"maxDepth": 3}}', /limits' must be/],
    ['a negative memory budget', '{"validatorHistorySize": -1}', /validatorHistorySize' must be/],
  ])('%s › UsageError', (_name, text, message) => {
    writeFileSync(file, text);
    expect(() => readConfigFile(file)).toThrow(UsageError);
    expect(() => readConfigFile(file)).toThrow(message);
  });

  it('a valid file › its settings', () => {
    writeFileSync(file, JSON.stringify({ expressionSyntax: 'legacy', limits: { maxIncludes: 50 } }));
    expect(readConfigFile(file)).toEqual({ expressionSyntax: 'legacy', limits: { maxIncludes: 50 } });
  });

  it('memory budgets › taken as bytes', () => {
    writeFileSync(file, JSON.stringify({ fileCacheSize: 1048576, validatorHistorySize: 2097152 }));
    expect(readConfigFile(file)).toEqual({ fileCacheSize: 1048576, validatorHistorySize: 2097152 });
  });
});
