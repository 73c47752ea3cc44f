// Which host names a server certificate covers: its subjectAltName entries read from Node's text form, and the
// RFC 6125 §6.4 match of a host against them (wildcards included). Pure: no TLS, no DNS.

import { isIP } from 'node:net';

/** The identities a certificate presents in its subjectAltName extension. */
export interface CertificateNames {
  /** `DNS:` entries, lower case, wildcards (`*.example.com`) as written. */
  dnsNames: string[];
  /** `IP Address:` entries, as Node prints them. */
  ipAddresses: string[];
}

/**
 * Reads Node's `subjectaltname` text (`DNS:a.example, DNS:*.b.example, IP Address:127.0.0.1`) into its names.
 * A certificate without the extension covers no name: browsers ignore the subject's CN (RFC 6125 §6.4.4).
 * @example certificateNames('DNS:www.example, DNS:*.example') // { dnsNames: ['www.example', '*.example'], … }
 */
export function certificateNames(subjectAltName: string | undefined): CertificateNames {
  const names: CertificateNames = { dnsNames: [], ipAddresses: [] };
  for (const entry of (subjectAltName ?? '').split(/,\s*/)) {
    const colon = entry.indexOf(':');
    const kind = entry.slice(0, colon);
    const value = entry.slice(colon + 1).replace(/^"|"$/g, '');
    if (kind === 'DNS') names.dnsNames.push(value.toLowerCase());
    else if (kind === 'IP Address') names.ipAddresses.push(value.toLowerCase());
  }
  return names;
}

/**
 * Whether a certificate with `names` is valid for `host` (a DNS name or an IP literal), as browsers check it:
 * an IP literal only against IP entries; a name against each DNS entry, where a `*` that is the whole left-most
 * label matches exactly one label (RFC 6125 §6.4.3), never a public suffix's single label (`*.com`).
 * @example certificateCovers({ dnsNames: ['*.example'], ipAddresses: [] }, 'a1.example') // true
 */
export function certificateCovers(names: CertificateNames, host: string): boolean {
  const wanted = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (isIP(wanted) !== 0) return names.ipAddresses.includes(wanted);
  return names.dnsNames.some((name) => dnsNameMatches(name.replace(/\.$/, ''), wanted));
}

function dnsNameMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1);
  // At least two labels after the wildcard, and the wildcard stands for one whole, non-empty label.
  if (!suffix.slice(1).includes('.')) return false;
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label !== '' && !label.includes('.');
}
