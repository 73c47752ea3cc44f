// Where a client is: the static table of networks (IPv4, IPv6, mapped addresses, bad entries one line each), a
// real MaxMind DB file read by the `maxmind` package (written here by test/support/mmdb-writer.ts), and the table
// asked before the database.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { geoDatabaseLookup, openGeoDatabase } from '../../../src/mirrors/geo-database';
import { checkGeoNetworks, firstGeoLookup, geoNetworkTable } from '../../../src/mirrors/geo-lookup';
import { mmdbOf } from '../../support/mmdb-writer';

let folder: string;
beforeAll(() => (folder = mkdtempSync(join(tmpdir(), 'cdn-include-geo-'))));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('geoNetworkTable', () => {
  const table = geoNetworkTable({
    DE: ['192.0.2.0/24', '2001:db8::/32'],
    fr: ['198.51.100.0/25', '203.0.113.7'],
  });

  it.each([
    ['192.0.2.200', 'de'],
    ['::ffff:192.0.2.1', 'de'],
    ['2001:db8:ffff::1', 'de'],
    ['198.51.100.127', 'fr'],
    ['203.0.113.7', 'fr'],
    ['198.51.100.128', undefined],
    ['203.0.113.8', undefined],
    ['2001:db9::1', undefined],
    ['not an address', undefined],
  ])('%s › %s', (address, country) => {
    expect(table.countryOf(address)).toBe(country);
  });

  it.each([
    [['de'], 'geoNetworks must be an object of country codes'],
    [{ germany: ['192.0.2.0/24'] }, "geoNetworks key 'germany' must be a two-letter country code"],
    [{ de: '192.0.2.0/24' }, 'geoNetworks.de must be a list of networks'],
    [{ de: ['192.0.2.0/24', '10.0.0.0/33'] }, "geoNetworks.de[1] '10.0.0.0/33' has no valid prefix length"],
    [{ de: ['example.org'] }, "geoNetworks.de[0] 'example.org' is not an IP address or CIDR block"],
  ])('%j › one line naming the entry: %s', (value, message) => {
    expect(() => checkGeoNetworks(value)).toThrow(message);
  });
});

describe('a MaxMind DB through the maxmind package', () => {
  const bytes = mmdbOf([
    { network: '192.0.2.0/24', record: { country: { iso_code: 'DE', names: { en: 'Germany' } } } },
    { network: '2001:db8::/32', record: { country: { iso_code: 'FR' } } },
    // An anonymous proxy's network: no country, only the one it is registered in.
    { network: '198.51.100.0/24', record: { registered_country: { iso_code: 'NL' } } },
    { network: '203.0.113.0/24', record: { continent: { code: 'EU' } } },
  ]);

  it('country.iso_code, else registered_country.iso_code, lower case; unknown › undefined', () => {
    const lookup = geoDatabaseLookup(bytes);
    expect(lookup.countryOf('192.0.2.99')).toBe('de');
    expect(lookup.countryOf('::ffff:192.0.2.99')).toBe('de');
    expect(lookup.countryOf('2001:db8:1::5')).toBe('fr');
    expect(lookup.countryOf('198.51.100.1')).toBe('nl');
    expect(lookup.countryOf('203.0.113.1')).toBeUndefined();
    expect(lookup.countryOf('10.1.2.3')).toBeUndefined();
    expect(lookup.countryOf('not an address')).toBeUndefined();
  });

  it('openGeoDatabase › reads the file once; a missing or foreign file › one line naming it', () => {
    const file = join(folder, 'countries.mmdb');
    writeFileSync(file, bytes);
    expect(openGeoDatabase(file).countryOf('192.0.2.1')).toBe('de');
    expect(() => openGeoDatabase(join(folder, 'missing.mmdb'))).toThrow(
      /^geoDatabase '.*missing\.mmdb' cannot be read: ENOENT/,
    );
    const foreign = join(folder, 'foreign.mmdb');
    writeFileSync(foreign, 'not a database\n'.repeat(20));
    expect(() => openGeoDatabase(foreign)).toThrow(/^geoDatabase '.*foreign\.mmdb' is no MaxMind DB file: /);
  });

  it('firstGeoLookup › the table first, the database for the rest', () => {
    const lookup = firstGeoLookup([geoNetworkTable({ at: ['192.0.2.0/28'] }), geoDatabaseLookup(bytes)]);
    expect(lookup?.countryOf('192.0.2.1')).toBe('at');
    expect(lookup?.countryOf('192.0.2.100')).toBe('de');
    expect(firstGeoLookup([undefined, undefined])).toBeUndefined();
  });
});
