// A GeoLookup from a MaxMind DB file (GeoLite2/GeoIP2 Country or City, or any database with their `country`
// records), read whole once through the `maxmind` package; lookups are then in memory, never per-request I/O.

import { readFileSync } from 'node:fs';
import { Reader, type CountryResponse } from 'maxmind';
import type { GeoLookup } from './geo-lookup';
import { unmapped } from '../fields/address-blocks';

/**
 * The lookup of the MaxMind DB held in `bytes`: a record's `country.iso_code`, else its `registered_country`'s (an
 * anonymous or satellite network has only the latter), lower case. Throws an Error when the bytes are no MaxMind DB.
 * @example geoDatabaseLookup(readFileSync('GeoLite2-Country.mmdb')).countryOf('192.0.2.1')
 */
export function geoDatabaseLookup(bytes: Buffer): GeoLookup {
  const reader = new Reader<CountryResponse>(bytes);
  return {
    countryOf(address) {
      let record: CountryResponse | null;
      try {
        record = reader.get(unmapped(address));
      } catch {
        // Not an IP address (a Unix socket's peer), or an IPv6 one in an IPv4-only database: no country.
        return undefined;
      }
      const code = record?.country?.iso_code ?? record?.registered_country?.iso_code;
      return typeof code === 'string' && /^[A-Za-z]{2}$/.test(code) ? code.toLowerCase() : undefined;
    },
  };
}

/**
 * Reads the MaxMind DB file `file` once (the config key `geoDatabase`); throws an Error with one line naming it
 * when it cannot be read or is no MaxMind DB.
 * @example openGeoDatabase('/var/lib/GeoIP/GeoLite2-Country.mmdb')
 */
export function openGeoDatabase(file: string, label = 'geoDatabase'): GeoLookup {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`${label} '${file}' cannot be read: ${(err as Error).message}`, { cause: err });
  }
  try {
    return geoDatabaseLookup(bytes);
  } catch (err) {
    throw new Error(`${label} '${file}' is no MaxMind DB file: ${(err as Error).message.split('\n')[0]}`, {
      cause: err,
    });
  }
}
