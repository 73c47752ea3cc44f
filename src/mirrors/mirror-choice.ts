// Which mirror a client is sent to for a path: its own country's mirrors first, then weighted rendezvous hashing
// (highest random weight) on the client's network and the path. The same inputs give the same mirror on every origin
// of a fleet, and every range request of one download lands on one mirror, with no state kept. Pure: no I/O.

import { isIPv4, isIPv6 } from 'node:net';
import { type RendezvousCandidate } from '../hashing/rendezvous-hash';

// The choice itself is shared with asset hosts (one hash, written once).
export { rendezvousChoice } from '../hashing/rendezvous-hash';

/** A mirror that may be chosen: its name (unique), its share of the choices, and its country if known. */
export interface MirrorCandidate extends RendezvousCandidate {
  /** ISO 3166-1 alpha-2 country code, lower case. */
  readonly geo?: string;
}

/**
 * The network a client address belongs to, as the key of its choices: IPv4 /24, IPv6 /48 (one site's allocation),
 * an IPv4-mapped IPv6 address as IPv4. A client that moves between addresses of one network keeps its mirror. An
 * address that is neither is its own network.
 * @example clientNetworkOf('203.0.113.77') // '203.0.113.0/24'
 */
export function clientNetworkOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1] : address;
  if (isIPv4(plain)) return `${plain.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(plain)) return `${expandIPv6(plain).slice(0, 3).join(':')}::/48`;
  return plain;
}

/** The eight 16-bit groups of an IPv6 address, each as lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') && tail !== '' ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups.map((group) => Number.parseInt(group, 16).toString(16));
}

/**
 * The candidates of the client's country when there are any, else all of them (a country class before the hash,
 * so a nearby mirror wins whatever the weights).
 */
export function nearestCandidates<T extends MirrorCandidate>(
  candidates: readonly T[],
  clientGeo: string | undefined,
): readonly T[] {
  if (clientGeo === undefined) return candidates;
  const local = candidates.filter((candidate) => candidate.geo === clientGeo.toLowerCase());
  return local.length > 0 ? local : candidates;
}
