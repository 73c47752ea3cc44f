// Address blocks asked once per request: IPv4 blocks compared as 32-bit numbers (a node:net BlockList check costs
// microseconds, too much for every request), IPv6 ones through the BlockList. Blocks are read by address-blocks.ts,
// so both accept and refuse the same text. Pure: in-memory sets only.

import { BlockList, isIP } from 'node:net';
import { addAddressBlock, hasAddress } from './address-blocks';

/**
 * A set of address blocks that answers `has(address)` cheaply for IPv4 clients, IPv4-mapped IPv6 included; the same
 * answer as `hasAddress` over a BlockList of the same blocks.
 * @example const edges = new AddressMatcher(['10.0.0.0/8']); edges.has('::ffff:10.1.2.3') // true
 */
export class AddressMatcher {
  private readonly ipv4: { network: number; mask: number }[] = [];
  private readonly ipv6 = new BlockList();
  private hasIpv6 = false;

  /** Throws an Error whose message quotes the block that is no address or has no valid prefix. */
  constructor(blocks: readonly string[]) {
    for (const block of blocks) this.add(block);
  }

  /** Whether `address` lies in one of the blocks; anything that is no address is in none. */
  has(address: string): boolean {
    const number = ipv4Number(address);
    if (number !== undefined) return this.ipv4.some(({ network, mask }) => (number & mask) >>> 0 === network);
    return this.hasIpv6 && hasAddress(this.ipv6, address);
  }

  private add(block: string): void {
    // The one reading of a block's text: it throws for anything address-blocks.ts refuses.
    addAddressBlock(new BlockList(), block);
    const slash = block.indexOf('/');
    const address = slash < 0 ? block : block.slice(0, slash);
    if (isIP(address) !== 4) {
      addAddressBlock(this.ipv6, block);
      this.hasIpv6 = true;
      return;
    }
    const prefix = slash < 0 ? 32 : Number(block.slice(slash + 1));
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    this.ipv4.push({ network: ((ipv4Number(address) as number) & mask) >>> 0, mask });
  }
}

const MAPPED_PREFIX = '::ffff:';

/**
 * The 32-bit number of an IPv4 address in dotted-decimal (RFC 791), or of an IPv4-mapped IPv6 one
 * (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2); undefined for anything else. Four decimal octets of 0–255 without leading
 * zeros, as isIP takes.
 */
export function ipv4Number(address: string): number | undefined {
  let at = 0;
  if (
    address.charCodeAt(0) === 58 /* : */ &&
    address.slice(0, MAPPED_PREFIX.length).toLowerCase() === MAPPED_PREFIX
  )
    at = MAPPED_PREFIX.length;
  let number = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (address.charCodeAt(at) !== 46 /* . */) return undefined;
      at++;
    }
    const start = at;
    let value = 0;
    while (at < address.length && at - start < 4) {
      const digit = address.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
      at++;
    }
    const length = at - start;
    if (length === 0 || length > 3 || value > 255 || (length > 1 && address.charCodeAt(start) === 48))
      return undefined;
    number = number * 256 + value;
  }
  return at === address.length ? number : undefined;
}
