// The one "flags win over the config file" rule: for every option that has both a flag and a config key, the
// flag's value reaches the settings a command runs with; a flag not given leaves the file's value.

import { writeFileSync } from 'node:fs';
import { BUILD_FLAGS, parseBuildArguments } from '../../../src/cli/build-command';
import { CONFIG_RULES, siteSettings } from '../../../src/cli/config-file';
import type { FlagTable } from '../../../src/cli/flags';
import { parseServeArguments, SERVE_FLAGS } from '../../../src/cli/serve-command';
import { flagsOverFile, type ConfigFile, type ConfigKey } from '../../../src/cli/settings';
import { TempSite } from '../../support/temp-site';

/** For each option with a flag and a config key: the file's value, the flag's arguments, and the flag's value. */
const CASES: Partial<Record<ConfigKey, { file: unknown; args: string[]; flag: unknown }>> = {
  ssiExtensions: { file: ['.html'], args: ['--ssi-ext', 'shtml,htm'], flag: ['.shtml', '.htm'] },
  expressionSyntax: { file: 'ap-expr', args: ['--legacy-expr'], flag: 'legacy' },
  cacheControl: {
    file: 'no-store',
    args: ['--cache-control', 'public, max-age=9'],
    flag: 'public, max-age=9',
  },
  workers: { file: 4, args: ['--workers', '2'], flag: 2 },
  compression: { file: false, args: ['--compress'], flag: true },
  cache: { file: true, args: ['--no-cache'], flag: false },
  cacheSize: { file: 5, args: ['--cache-size', '3'], flag: 3 * 1024 * 1024 },
  revalidateWindow: { file: 5000, args: ['--revalidate-window', '0'], flag: 0 },
  purgeTags: { file: true, args: ['--no-purge-tags'], flag: false },
  surrogateKeyHeader: { file: 'xkey', args: ['--surrogate-key-header', 'none'], flag: false },
  cacheTagHeader: { file: false, args: ['--cache-tag-header', 'Edge-Tag'], flag: 'Edge-Tag' },
  accessLog: { file: true, args: ['--quiet'], flag: false },
  logFormat: { file: 'combined', args: ['--log-format', 'json'], flag: 'json' },
  trustProxy: {
    file: ['192.0.2.1'],
    args: ['--trust-proxy', '127.0.0.1, 10.0.0.0/8'],
    flag: ['127.0.0.1', '10.0.0.0/8'],
  },
  maxConnections: { file: 9, args: ['--max-connections', '50'], flag: 50 },
  headersTimeout: { file: 100, args: ['--headers-timeout', '1500'], flag: 1500 },
  requestTimeout: { file: 3000, args: ['--request-timeout', '0'], flag: 0 },
  keepAliveTimeout: { file: 7, args: ['--keep-alive-timeout', '8'], flag: 8 },
  shutdownTimeout: { file: 2000, args: ['--shutdown-timeout', '0'], flag: 0 },
  health: { file: true, args: ['--no-health'], flag: false },
  metrics: { file: true, args: ['--no-metrics'], flag: false },
  watch: { file: false, args: ['--watch'], flag: true },
  manifest: {
    file: 'file-manifest.json',
    args: ['--manifest', '/srv/flag-manifest.json'],
    flag: '/srv/flag-manifest.json',
  },
};

/** The config keys a command's flags override. */
function overriddenKeys(table: FlagTable): ConfigKey[] {
  return Object.values(table).flatMap(({ config }) => (config === undefined ? [] : [config.key]));
}

let site: TempSite;
beforeEach(() => (site = new TempSite()));
afterEach(() => site.remove());

function configFile(settings: Record<string, unknown>): string {
  const file = site.path('config.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

describe('the config file’s rules', () => {
  it.each(Object.entries(CONFIG_RULES))('%s › checked by the rule declared for that key', (key, rule) => {
    expect(rule.key).toBe(key);
  });
});

describe('flagsOverFile', () => {
  it('a flag given › wins, even when it is false', () => {
    expect(flagsOverFile({ cache: false, compression: true }, { cache: true, compression: false })).toEqual({
      cache: false,
      compression: true,
    });
  });

  it('a flag not given (undefined) › the file keeps its value; keys only the file sets stay', () => {
    expect(flagsOverFile({ cacheSize: undefined }, { cacheSize: 5, errorMessage: 'oops' })).toEqual({
      cacheSize: 5,
      errorMessage: 'oops',
    });
  });
});

describe('serve: every flag that has a config key', () => {
  it('has a case here (a new one must be added)', () => {
    expect(overriddenKeys(SERVE_FLAGS).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))('%s › the flag beats the config file', (key, { file, args, flag }) => {
    const path = configFile({ [key]: file });
    const parsed = parseServeArguments([site.root, '--config', path, ...args], '/srv');
    if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
    const settings: ConfigFile = siteSettings(SERVE_FLAGS, parsed.options);
    expect(settings[key as ConfigKey]).toEqual(flag);
  });

  it.each(Object.entries(CASES))('%s › without the flag, the config file’s value', (key, { file }) => {
    const path = configFile({ [key]: file });
    const parsed = parseServeArguments([site.root, '--config', path], '/srv');
    if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
    const settings: ConfigFile = siteSettings(SERVE_FLAGS, parsed.options);
    expect(settings[key as ConfigKey]).toEqual(file);
  });
});

describe('serve: the purge flags', () => {
  it('--purge-url › its target beats the config file’s purge template', () => {
    const path = configFile({ watch: true, purge: { url: 'http://file.example/{tag}' } });
    const parsed = parseServeArguments(
      [site.root, '-c', path, '--purge-url', 'http://flag.example/'],
      '/srv',
    );
    if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
    expect(siteSettings(SERVE_FLAGS, parsed.options).purge).toMatchObject({ url: 'http://flag.example/' });
  });

  it('no purge flag › the config file’s template', () => {
    const path = configFile({ watch: true, purge: { url: 'http://file.example/{tag}' } });
    const parsed = parseServeArguments([site.root, '-c', path], '/srv');
    if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
    expect(siteSettings(SERVE_FLAGS, parsed.options).purge).toEqual({ url: 'http://file.example/{tag}' });
  });
});

describe('build: every flag that has a config key', () => {
  const buildKeys = overriddenKeys(BUILD_FLAGS);

  it('is one of serve’s (the same declaration)', () => {
    expect(buildKeys.length).toBeGreaterThan(0);
    for (const key of buildKeys) expect(Object.keys(CASES)).toContain(key);
  });

  it.each(buildKeys)('%s › the flag beats the config file', (key) => {
    const { file, args, flag } = CASES[key]!;
    const path = configFile({ [key]: file });
    const parsed = parseBuildArguments([site.root, '--out', site.path('out'), '-c', path, ...args], '/srv');
    if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
    const settings: ConfigFile = siteSettings(BUILD_FLAGS, parsed.options);
    expect(settings[key]).toEqual(flag);
  });
});
