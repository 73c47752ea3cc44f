// Address blocks as configured: an IPv4 or IPv6 address or CIDR block (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`),
// added to a node:net BlockList. One reading for every setting that lists addresses (trusted proxies, geo networks).
// Pure: a BlockList is an in-memory address set.

import { type BlockList, isIP } from 'node:net';

/**
 * Adds `block` to `list`; throws an Error whose message quotes it when it is no address or has no valid prefix.
 * @example addAddressBlock(new BlockList(), '10.0.0.0/8')
 */
export function addAddressBlock(list: BlockList, block: string): void {
  const slash = block.indexOf('/');
  const address = slash < 0 ? block : block.slice(0, slash);
  const family = isIP(address);
  if (family === 0) throw new Error(`'${block}' is not an IP address or CIDR block`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (slash < 0) return list.addAddress(address, type);
  const prefixText = block.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128))
    throw new Error(`'${block}' has no valid prefix length`);
  list.addSubnet(address, prefix, type);
}

/**
 * Whether `address` lies in a block of `list`; an IPv4-mapped IPv6 address (an IPv4 peer on a dual-stack socket)
 * is read as IPv4, and anything that is no address is in no block.
 * @example hasAddress(list, '::ffff:10.1.2.3') // true for a list holding 10.0.0.0/8
 */
export function hasAddress(list: BlockList, address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) → `192.0.2.1`, so IPv4 blocks match it. */
export function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}
