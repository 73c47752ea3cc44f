// The network addresses of the mirrors' own hosts, so a request a mirror makes (a sync, a check) is told from a
// download: a host written as an IP address is known at once; a host name is resolved again at each refresh.

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { MirrorConfig } from './mirror-config';
import { unmapped } from '../fields/address-blocks';

/** Resolves a host name to its addresses (IPv4 and IPv6). */
export type HostLookup = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, as the prober's own requests resolve hosts): every address of `host`. */
export const systemHostLookup: HostLookup = async (host) =>
  (await lookup(host, { all: true })).map((found) => found.address);

/**
 * The addresses of the hosts of `mirrors`: those written as IP addresses, and what the others resolved to at the
 * last refresh (with a `lookupHost`). A name that fails to resolve at a refresh keeps the addresses it had.
 * @example new MirrorAddresses([{ name: 'm1', url: 'http://192.0.2.7/' }]).has('192.0.2.7') // true
 */
export class MirrorAddresses {
  private readonly literal = new Set<string>();
  private readonly names: string[] = [];
  private readonly resolved = new Map<string, ReadonlySet<string>>();

  /** @param lookupHost resolves host names at each refresh; without it only IP-address hosts are known. */
  constructor(
    mirrors: readonly MirrorConfig[],
    private readonly lookupHost?: HostLookup,
  ) {
    for (const mirror of mirrors) {
      // WHATWG URL writes an IPv6 host in brackets, already in its shortest form.
      const host = new URL(mirror.url).hostname.replace(/^\[(.*)\]$/, '$1');
      if (isIP(host) !== 0) this.literal.add(unmapped(host));
      else if (!this.names.includes(host)) this.names.push(host);
    }
  }

  /** Whether `address` (as a socket gives it, IPv4-mapped or not) is one of a mirror host's. */
  has(address: string): boolean {
    const plain = unmapped(address);
    if (this.literal.has(plain)) return true;
    for (const addresses of this.resolved.values()) if (addresses.has(plain)) return true;
    return false;
  }

  /** Resolves every host name again; resolves when all have answered or failed. */
  async refresh(): Promise<void> {
    const lookupHost = this.lookupHost;
    if (lookupHost === undefined) return;
    await Promise.all(
      this.names.map(async (name) => {
        try {
          const addresses = await lookupHost(name);
          this.resolved.set(name, new Set(addresses.map(unmapped)));
        } catch {
          // A resolver hiccup is no reason to forget the mirror: its last addresses stay.
        }
      }),
    );
  }
}
