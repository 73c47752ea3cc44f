// The one whole-number rule as each audience meets it: ssi() options, config-file keys and flags describe the
// numbers they accept the same way, from the same range.

import { writeFileSync } from 'node:fs';
import { readConfigFile } from '../../../src/cli/config-file';
import { parseServeArguments } from '../../../src/cli/serve-command';
import { MemoryFileSource } from '../../../src/engine/memory-file-source';
import { ssi } from '../../../src/server/ssi-middleware';
import { TempSite } from '../../support/temp-site';

describe('one rule, one description, wherever the option is given', () => {
  const source = new MemoryFileSource({ '/index.shtml': { content: 'x' } });

  it.each([
    ['cacheSize', -1, 'a whole number of bytes ≥ 0'],
    ['fileCacheSize', 1.5, 'a whole number of bytes ≥ 0'],
    ['validatorHistorySize', '1', 'a whole number of bytes ≥ 0'],
    ['maxTagHeaderBytes', -5, 'a whole number of bytes ≥ 0'],
    ['streamThreshold', 2 ** 31, 'a whole number of bytes from 0 to 2147483647'],
    // Milliseconds, not bytes: the old `byteCount` checked this one too.
    ['revalidateWindow', -1, 'a whole number of milliseconds ≥ 0'],
  ])('ssi({ %s: %p }) and the config file › the same description', (key, value, description) => {
    expect(() => ssi({ source, [key]: value })).toThrow(`ssi(): option '${key}' must be ${description}`);
    const site = new TempSite();
    try {
      const file = site.path('config.json');
      writeFileSync(file, JSON.stringify({ [key]: value }));
      expect(() => readConfigFile(file)).toThrow(`config file '${file}': '${key}' must be ${description}`);
    } finally {
      site.remove();
    }
  });

  it('a flag and its config key share the range’s description (--workers, "workers")', () => {
    expect(parseServeArguments(['--workers', '0'], '/srv')).toEqual({
      kind: 'usage-error',
      message: "option '--workers' needs a whole number from 1 to 256, not '0'",
    });
    const site = new TempSite();
    try {
      const file = site.path('config.json');
      writeFileSync(file, JSON.stringify({ workers: 0 }));
      expect(() => readConfigFile(file)).toThrow("'workers' must be a whole number from 1 to 256");
    } finally {
      site.remove();
    }
  });
});
