// Which country a client address is in, for choosing a mirror near it: the port, a static table of networks by
// country (the config file's `geoNetworks`), and lookups tried in turn. Pure: address sets are in memory.

import { BlockList } from 'node:net';
import { addAddressBlock } from '../fields/address-blocks';
import { AddressMatcher } from '../fields/address-matcher';

/** Answers the country of a client address; a MaxMind database or a static table, or your own. */
export interface GeoLookup {
  /** ISO 3166-1 alpha-2 code (lower case) of the country `address` is in; undefined when unknown. */
  countryOf(address: string): string | undefined;
}

/** Networks by country: `{ "de": ["192.0.2.0/24", "2001:db8::/32"] }` (the config key `geoNetworks`). */
export type GeoNetworks = Readonly<Record<string, readonly string[]>>;

/** Where `serve` learns a client's country (config file only; README "Redirecting to a near mirror"). */
export interface GeoSettings {
  /** A static table of networks by country, asked before `geoDatabase`. @default none */
  geoNetworks: GeoNetworks;
  /** A MaxMind DB file (GeoLite2/GeoIP2 Country or City), read once when the app starts. @default none */
  geoDatabase: string;
}

/**
 * A lookup in `networks`: each country's blocks (CIDR, or a single address) held in one AddressMatcher. Where
 * blocks of two countries overlap, the country listed first wins. Throws an Error naming the first bad entry.
 * @example geoNetworkTable({ de: ['192.0.2.0/24'] }).countryOf('192.0.2.9') // 'de'
 */
export function geoNetworkTable(networks: GeoNetworks): GeoLookup {
  const countries = Object.entries(checkGeoNetworks(networks)).map(([country, blocks]) => ({
    country,
    matcher: new AddressMatcher(blocks),
  }));
  return {
    countryOf: (address) => countries.find(({ matcher }) => matcher.has(address))?.country,
  };
}

/**
 * `geoNetworks` checked and normalised (country codes lower case); throws an Error whose one-line message names
 * the entry, e.g. `geoNetworks.de[1] '10.0.0.0/33' has no valid prefix length`.
 */
export function checkGeoNetworks(value: unknown, label = 'geoNetworks'): Record<string, string[]> {
  const shape = `${label} must be an object of country codes and network lists such as { "de": ["192.0.2.0/24"] }`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(shape);
  const checked: Record<string, string[]> = {};
  for (const [key, blocks] of Object.entries(value)) {
    // RFC 6249 §3.2 names mirrors' countries by ISO 3166-1 alpha-2: the table must use the same codes.
    if (!/^[A-Za-z]{2}$/.test(key))
      throw new Error(`${label} key '${key}' must be a two-letter country code such as "de"`);
    if (!Array.isArray(blocks) || !blocks.every((block) => typeof block === 'string'))
      throw new Error(`${label}.${key} must be a list of networks such as ["192.0.2.0/24", "2001:db8::/32"]`);
    blocks.forEach((block: string, index) => {
      try {
        addAddressBlock(new BlockList(), block);
      } catch (err) {
        throw new Error(`${label}.${key}[${index}] ${(err as Error).message}`, { cause: err });
      }
    });
    checked[key.toLowerCase()] = [...(checked[key.toLowerCase()] ?? []), ...(blocks as string[])];
  }
  return checked;
}

/**
 * The first answer of `lookups`, tried in order (the static table before a database, so a table can correct it);
 * undefined when none is given.
 */
export function firstGeoLookup(lookups: ReadonlyArray<GeoLookup | undefined>): GeoLookup | undefined {
  const given = lookups.filter((lookup): lookup is GeoLookup => lookup !== undefined);
  if (given.length <= 1) return given[0];
  return {
    countryOf(address) {
      for (const lookup of given) {
        const country = lookup.countryOf(address);
        if (country !== undefined) return country;
      }
      return undefined;
    },
  };
}
