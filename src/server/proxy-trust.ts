// Which peers may name the client in X-Forwarded-For, and the client address that follows from a request's peer
// and that header. Pure: no I/O (address sets are in memory).

import { BlockList, isIP } from 'node:net';
import { addAddressBlock, unmapped } from '../fields/address-blocks';
import { AddressMatcher } from '../fields/address-matcher';

/** The proxies whose X-Forwarded-For is believed: addresses and CIDR blocks, IPv4 and IPv6. */
export interface TrustedProxies {
  /** Whether `address` (as a socket or a forwarding header gives it) is one of the trusted proxies. */
  has(address: string): boolean;
}

/** No proxy is trusted: every request's client is its peer. */
export const NO_TRUSTED_PROXIES: TrustedProxies = { has: () => false };

/**
 * The trusted proxies named by `entries`, each an address (`127.0.0.1`, `::1`) or a CIDR block (`10.0.0.0/8`,
 * `fd00::/8`). Throws an Error naming the first entry that is neither.
 * @example trustedProxies(['127.0.0.1', '10.0.0.0/8']).has('10.1.2.3'); // true
 */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  // Asked for every request's peer: IPv4 compared as numbers (a BlockList check costs microseconds).
  const matcher = new AddressMatcher(entries.map((entry) => entry.trim()));
  return { has: (address) => matcher.has(address) };
}

/**
 * The visitor's address: the peer itself unless it is a trusted proxy; then X-Forwarded-For is walked from the
 * right (each proxy appends the address it received the request from), trusted hops skipped, and the first
 * untrusted address is the client. Addresses left of it could have been written by anyone, so they are never
 * believed. When every hop is trusted, the leftmost is the client.
 * @example clientAddress('10.0.0.2', '203.0.113.9, 10.0.0.7', trustedProxies(['10.0.0.0/8'])); // '203.0.113.9'
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string {
  if (!trusted.has(peer) || forwardedFor === undefined) return peer;
  const hops = forwardedFor
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  let client = peer;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index];
    // A malformed hop ends the walk: nothing left of it can be attributed to a trusted proxy.
    if (isIP(unmapped(hop)) === 0) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client;
}

/** Parses `--trust-proxy` text: a comma-separated list of addresses and CIDR blocks. */
export function parseTrustedProxyList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Whether `entry` is an address or a CIDR block that trustedProxies accepts. */
export function isTrustedProxyEntry(entry: string): boolean {
  try {
    addAddressBlock(new BlockList(), entry.trim());
    return true;
  } catch {
    return false;
  }
}
