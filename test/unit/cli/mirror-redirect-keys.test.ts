// The config file's `mirrorRedirect`, `geoNetworks` and `geoDatabase`: read, given their defaults, and each mistake
// one usage line naming the field; the policy's own check.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../../../src/cli/config-file';
import { UsageError } from '../../../src/cli/usage';
import { checkMirrorRedirect } from '../../../src/mirrors/mirror-redirect-policy';

let folder: string;
beforeAll(() => (folder = mkdtempSync(join(tmpdir(), 'cdn-include-redirect-config-'))));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const MIRRORS = [{ name: 'm1', url: 'http://127.0.0.2:8081/' }];

function read(config: unknown) {
  const file = join(folder, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return readConfigFile(file);
}

describe('config keys mirrorRedirect, geoNetworks, geoDatabase', () => {
  it('paths only › minBytes 4096 and when "always" filled in; the geo keys as given', () => {
    const config = read({
      mirrors: MIRRORS,
      mirrorRedirect: { paths: ['/downloads/'] },
      geoNetworks: { DE: ['192.0.2.0/24'] },
      geoDatabase: 'GeoLite2-Country.mmdb',
    });
    expect(config.mirrorRedirect).toEqual({ paths: ['/downloads/'], minBytes: 4096, when: 'always' });
    expect(config.geoNetworks).toEqual({ de: ['192.0.2.0/24'] });
    expect(config.geoDatabase).toBe('GeoLite2-Country.mmdb');
  });

  it.each([
    [{ mirrorRedirect: ['/downloads/'] }, "'mirrorRedirect' must be an object such as"],
    [{ mirrorRedirect: { paths: ['/d/'] } }, "mirrorRedirect needs 'mirrors'"],
    [
      { mirrors: MIRRORS, mirrorRedirect: { paths: [] } },
      'mirrorRedirect.paths must be a list of URL-path prefixes',
    ],
    [
      { mirrors: MIRRORS, mirrorRedirect: { paths: ['d/'] } },
      'mirrorRedirect.paths[0] must be a URL-path prefix',
    ],
    [
      { mirrors: MIRRORS, mirrorRedirect: { paths: ['/d/'], minBytes: -1 } },
      'mirrorRedirect.minBytes must be a whole number of bytes ≥ 0',
    ],
    [
      { mirrors: MIRRORS, mirrorRedirect: { paths: ['/d/'], when: 'busy' } },
      'mirrorRedirect.when must be "always" or "overloaded", not "busy"',
    ],
    [
      { mirrors: MIRRORS, mirrorRedirect: { paths: ['/d/'], after: 3 } },
      "mirrorRedirect has an unknown key 'after' (known: paths, minBytes, when)",
    ],
    [
      { geoNetworks: { de: ['192.0.2.0/40'] } },
      "geoNetworks.de[0] '192.0.2.0/40' has no valid prefix length",
    ],
    [{ geoDatabase: 7 }, "'geoDatabase' must be the path of a MaxMind DB file"],
  ])('%j › one usage line: %s', (config, message) => {
    expect(() => read(config)).toThrow(UsageError);
    expect(() => read(config)).toThrow(message);
  });

  it('checkMirrorRedirect › keeps what is given', () => {
    expect(checkMirrorRedirect({ paths: ['/a/', '/b/'], minBytes: 0, when: 'overloaded' })).toEqual({
      paths: ['/a/', '/b/'],
      minBytes: 0,
      when: 'overloaded',
    });
  });
});
