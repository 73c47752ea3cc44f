// The config file's `mirrors` and `mirrorCheckInterval`: read, normalised, and each mistake one usage line.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../../../src/cli/config-file';
import { UsageError } from '../../../src/cli/usage';

let folder: string;
beforeAll(() => (folder = mkdtempSync(join(tmpdir(), 'cdn-include-mirror-config-'))));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function read(config: unknown) {
  const file = join(folder, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return readConfigFile(file);
}

describe('config keys mirrors and mirrorCheckInterval', () => {
  it('the issue’s example › read, the base URL and geo as given', () => {
    const config = read({
      mirrors: [{ name: 'm1', url: 'http://127.0.0.2:8081/', geo: 'de', priority: 1 }],
      mirrorCheckInterval: 30,
    });
    expect(config.mirrors).toEqual([{ name: 'm1', url: 'http://127.0.0.2:8081/', geo: 'de', priority: 1 }]);
    expect(config.mirrorCheckInterval).toBe(30);
  });

  it('a base URL without a final / › given one, so paths join below it', () => {
    expect(read({ mirrors: [{ name: 'm1', url: 'https://mirror.example/site' }] }).mirrors).toEqual([
      { name: 'm1', url: 'https://mirror.example/site/' },
    ]);
  });

  it.each([
    [{ mirrors: { name: 'm1' } }, "'mirrors' must be a list of mirrors such as"],
    [
      { mirrors: [{ name: 'm1', url: 'mirror.example' }] },
      'mirrors[0].url must be an http:// or https:// base URL',
    ],
    [
      {
        mirrors: [
          { name: 'm1', url: 'http://a/' },
          { name: 'm1', url: 'http://b/' },
        ],
      },
      "mirrors[1].name 'm1' is used by an earlier mirror",
    ],
    [
      { mirrors: [{ name: 'm1', url: 'http://a/', geo: 'germany' }] },
      'mirrors[0].geo must be a two-letter country code',
    ],
    [{ mirrorCheckInterval: 0 }, "'mirrorCheckInterval' must be a whole number of seconds from 1 to 86400"],
    [
      { mirrorCheckInterval: 86_401 },
      "'mirrorCheckInterval' must be a whole number of seconds from 1 to 86400",
    ],
    [{ mirrorCheckInterval: '60' }, "'mirrorCheckInterval' must be a whole number of seconds"],
  ])('%j › one usage line: %s', (config, message) => {
    expect(() => read(config)).toThrow(UsageError);
    expect(() => read(config)).toThrow(message);
  });
});
