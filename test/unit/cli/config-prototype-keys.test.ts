// A config file with `__proto__`, `constructor` or other Object.prototype names as keys: one clean
// `unknown key` usage error naming the key, at any level the file is checked (top, cacheRules, limits, purge).

import { writeFileSync } from 'node:fs';
import { readConfigFile } from '../../../src/cli/config-file';
import { UsageError } from '../../../src/cli/usage';
import { TempSite } from '../../support/temp-site';

let site: TempSite;
beforeEach(() => (site = new TempSite()));
afterEach(() => site.remove());

function readText(text: string): () => unknown {
  const file = site.path('config.json');
  writeFileSync(file, text);
  return () => readConfigFile(file);
}

describe('config keys named like Object.prototype members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'top level "%s" › unknown key, as a usage error',
    (key) => {
      const read = readText(`{ "${key}": { "cacheSize": 1 } }`);
      expect(read).toThrow(UsageError);
      expect(read).toThrow(`unknown key '${key}'`);
    },
  );

  it.each([
    [
      'cacheRules',
      '{ "cacheRules": [{ "__proto__": { "maxAge": 1 } }] }',
      "cacheRules[0]: unknown key '__proto__'",
    ],
    ['cacheRules', '{ "cacheRules": [{ "constructor": 1 }] }', "cacheRules[0]: unknown key 'constructor'"],
    ['limits', '{ "limits": { "__proto__": { "maxIncludes": 1 } } }', "'limits' must be"],
    [
      'purge',
      '{ "watch": true, "purge": { "url": "http://127.0.0.1/", "__proto__": {} } }',
      'purge.__proto__ is not a purge setting',
    ],
  ])('%s with __proto__ or constructor › one usage error naming it', (_where, text, message) => {
    const read = readText(text);
    expect(read).toThrow(UsageError);
    expect(read).toThrow(message);
  });

  it('a file without them › still read', () => {
    expect(readText('{ "cacheSize": 1 }')()).toEqual({ cacheSize: 1 });
  });
});
