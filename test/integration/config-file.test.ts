// `--config FILE`: options from a JSON file, legacy expressions per URL-path prefix, flags winning, clear errors.

import request from 'supertest';
import { readConfigFile } from '../../src/cli/config-file';
import { UsageError } from '../../src/cli/usage';
import { runCliOnce, startCli } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';

/** A folder beside the docroot for config files: a config file never has to sit inside the site it configures. */
let configs: TempSite;
beforeEach(() => {
  configs = new TempSite();
});
afterEach(() => configs.remove());

/** Writes `settings` as a JSON config file and returns its path. */
function configFile(name: string, settings: unknown): string {
  configs.write(name, JSON.stringify(settings));
  return configs.path(name);
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
    const config = configFile('config.json', {
      legacyExpressionPrefixes: ['/old/'],
      cacheControl: 'public, max-age=5',
    });
    const { url, stop, exitCode } = await startCli(
      ['serve', site.root, '--port', '0', '--config', config],
      'http://',
    );
    const old = await request(url).get('/old/p.shtml');
    expect(old.text).toBe('yes');
    expect(old.headers['cache-control']).toBe('public, max-age=5');
    // Under ap_expr the legacy expression is a parse error; the httpd 2.4 binary then hides the if's body too.
    expect((await request(url).get('/new/p.shtml')).text).toBe(
      '[an error occurred while processing this directive]',
    );
    stop('SIGINT');
    expect(await exitCode).toBe(0);
  });

  it('a config file with an unknown key › one line on stderr, exit 2', async () => {
    const config = configFile('bad.json', { legacyPrefixes: ['/old/'] });
    const { code, stderr } = await runCliOnce(['serve', site.root, '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown key 'legacyPrefixes'");
    expect(stderr.trim().split('\n')).toHaveLength(1);
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
      const config = configFile('index.json', { directoryIndex: ['index.html', name] });
      const { code, stderr } = await runCliOnce(['serve', site.root, '--config', config]);
      expect(code).toBe(2);
      expect(stderr).toContain("'directoryIndex' must be a list of plain file names");
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
  );
});

describe('readConfigFile', () => {
  const file = () => configs.path('config.json');
  it.each([
    ['not JSON', '{', /config file/],
    ['an array', '[]', /JSON object/],
    ['a wrong type', '{"ssiExtensions": ".shtml"}', /ssiExtensions' must be/],
    ['an unknown limit', '{"limits": {"maxDepth": 3}}', /limits' must be/],
    ['a negative memory budget', '{"validatorHistorySize": -1}', /validatorHistorySize' must be/],
    ['asset hosts not an object', '{"assetHosts": ["https://a1.example"]}', /'assetHosts' must be an object/],
    [
      'an asset host that is no origin',
      '{"assetHosts": {"hosts": ["https://a1.example/x"], "paths": ["/img/"], "epoch": "2026-12-01T00:00:00Z"}}',
      /: assetHosts\.hosts\[0\] must be an origin/,
    ],
    [
      'asset hosts without an epoch',
      '{"assetHosts": {"hosts": ["https://a1.example"], "paths": ["/img/"]}}',
      /: assetHosts\.epoch must be an ISO 8601 date/,
    ],
    [
      'under-load fields that are no lifetimes',
      '{"offload": {"to": "https://cdn.example.net/", "underLoad": {"cdnCacheControl": "private"}}}',
      /: offload\.underLoad\.cdnCacheControl must be false or lifetimes such as "max-age=60, stale-if-error=86400" \(only max-age, s-maxage, stale-while-revalidate, stale-if-error\)$/,
    ],
  ])('%s › UsageError', (_name, text, message) => {
    configs.write('config.json', text);
    expect(() => readConfigFile(file())).toThrow(UsageError);
    expect(() => readConfigFile(file())).toThrow(message);
  });

  it('a valid file › its settings', () => {
    configFile('config.json', { expressionSyntax: 'legacy', limits: { maxIncludes: 50 } });
    expect(readConfigFile(file())).toEqual({ expressionSyntax: 'legacy', limits: { maxIncludes: 50 } });
  });

  it('asset hosts as the issue writes them › taken as given', () => {
    const assetHosts = {
      hosts: ['https://a1.example', { origin: 'https://a2.example', weight: 2 }],
      paths: ['/img/', '/css/'],
      epoch: '2026-12-01T00:00:00Z',
    };
    configFile('config.json', { assetHosts });
    expect(readConfigFile(file())).toEqual({ assetHosts });
  });

  it('memory budgets › taken as bytes', () => {
    configFile('config.json', { fileCacheSize: 1048576, validatorHistorySize: 2097152 });
    expect(readConfigFile(file())).toEqual({ fileCacheSize: 1048576, validatorHistorySize: 2097152 });
  });
});
