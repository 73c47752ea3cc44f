// Which asset host serves an asset: weighted rendezvous hashing of the asset's canonical path over the configured
// hosts, so one asset always maps to one host, identically in every process, origin, `serve` and `build`.
// Pure: no I/O, no state.

import { rendezvousChoice } from '../hashing/rendezvous-hash';

/** One asset host: its origin (`https://a1.example`, no path) and its relative share of the assets. */
export interface AssetHost {
  readonly origin: string;
  /** Relative share (> 0): a host of weight 2 serves about twice as many assets as one of weight 1. @default 1 */
  readonly weight: number;
}

/** The placeholder origin the canonical path is normalised against; never appears in a result. */
const NORMALISING_BASE = 'http://canonical.invalid';

/**
 * The canonical form of an asset's URL path, the key of its assignment: dot segments removed and percent-encoding
 * as the WHATWG URL parser leaves it, without query or fragment (a cache-busting query keeps the asset's host).
 * @example canonicalAssetPath('/img/../img/a%20b.png?v=2') // '/img/a%20b.png'
 */
export function canonicalAssetPath(path: string): string {
  return new URL(path, NORMALISING_BASE).pathname;
}

/**
 * The host that serves the asset at `path` (a canonical path, see {@link canonicalAssetPath}): the host whose
 * score `weight / -ln(u)` is highest, `u` taken from the first 53 bits of SHA-256(`path` + "\0" + `origin`) in
 * UTF-8. Adding a host moves only the assets it wins (its share), never assets between the other hosts. Undefined
 * for no host.
 * @example assetHostFor('/img/logo.png', [{ origin: 'https://a1.example', weight: 1 }])?.origin
 */
export function assetHostFor(path: string, hosts: readonly AssetHost[]): AssetHost | undefined {
  const chosen = rendezvousChoice(
    hosts.map((host) => ({ name: host.origin, weight: host.weight, host })),
    path,
  );
  return chosen?.host;
}
