// IP subnets for -R and -ipmatch, following apr_ipsubnet_create / apr_ipsubnet_test. Pure: no I/O, no DNS.
// Accepted: `a.b.c.d`, IPv6, legacy network prefixes (`10.1` = 10.1.0.0/16), and `/bits` or `/a.b.c.d` masks.

import { isIPv6 } from 'node:net';

/** A parsed subnet: address and mask bytes (4 for IPv4, 16 for IPv6). */
export interface IpSubnet {
  readonly address: readonly number[];
  readonly mask: readonly number[];
}

/** apr_inet_pton(AF_INET): four dotted decimal parts ≤ 255 (leading zeros allowed, unlike node:net). */
function ipv4Bytes(text: string): number[] | null {
  if (!/^[0-9]+(\.[0-9]+){3}$/.test(text)) return null;
  const bytes = text.split('.').map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function ipv6Bytes(text: string): number[] | null {
  if (!isIPv6(text)) return null;
  let body = text;
  let tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    tail = ipv4Bytes(body.slice(lastColon + 1)) ?? [];
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = body.includes('::') ? body.split('::') : [body, undefined];
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function isV4Mapped(bytes: readonly number[]): boolean {
  return (
    bytes.length === 16 &&
    bytes.slice(0, 10).every((b) => b === 0) &&
    bytes[10] === 0xff &&
    bytes[11] === 0xff
  );
}

/** apr's parse_network: 1–4 dotted decimal octets, the rest of the mask zero. */
function parseNetwork(text: string): IpSubnet | null {
  if (text.length >= 16) return null;
  const address = [0, 0, 0, 0];
  const mask = [0, 0, 0, 0];
  const parts = text.split('.');
  if (parts[parts.length - 1] === '') parts.pop();
  if (parts.length > 4) return null;
  for (const [i, part] of parts.entries()) {
    if (!/^[0-9]+$/.test(part) || Number(part) > 255) return null;
    address[i] = Number(part);
    mask[i] = 0xff;
  }
  return { address, mask };
}

function looksLikeIp(text: string): boolean {
  return text !== '' && (text.includes(':') || /^[0-9.]*$/.test(text));
}

function maskFromBits(bits: number, size: number): number[] {
  return Array.from({ length: size }, (_, i) => {
    const inByte = Math.max(0, Math.min(8, bits - i * 8));
    return (0xff << (8 - inByte)) & 0xff;
  });
}

/**
 * Parses `subnet` like mod_authz_host / ap_expr's subnet_parse_arg; null where Apache reports
 * "parsing of subnet/netmask failed".
 * @example parseSubnet('10.0.0.0/8')
 */
export function parseSubnet(subnet: string): IpSubnet | null {
  const slash = subnet.indexOf('/');
  const ip = slash < 0 ? subnet : subnet.slice(0, slash);
  const maskText = slash < 0 ? null : subnet.slice(slash + 1);
  if (!looksLikeIp(ip)) return null;
  let address = ipv6Bytes(ip);
  if (address && isV4Mapped(address)) return null;
  address ??= ipv4Bytes(ip);
  if (!address) return maskText === null ? parseNetwork(ip) : null;
  let mask = new Array<number>(address.length).fill(0xff);
  if (maskText !== null) {
    // strtol(): leading white space and a sign are accepted, trailing junk is not.
    const bits = /^[\t\n\v\f\r ]*[+-]?[0-9]+$/.test(maskText) ? Number(maskText.trim()) : NaN;
    const dotted = ipv4Bytes(maskText);
    if (bits > 0 && bits <= address.length * 8) mask = maskFromBits(bits, address.length);
    else if (dotted && address.length === 4) mask = dotted;
    else return null;
  }
  const masked = address.map((byte, i) => byte & mask[i]);
  return { address: masked, mask };
}

/** apr_ipsubnet_test: does the client address (IPv4, IPv6 or v4-mapped IPv6 text) lie in the subnet? */
export function isInSubnet(subnet: IpSubnet, address: string): boolean {
  let bytes = ipv4Bytes(address) ?? ipv6Bytes(address);
  if (!bytes) return false;
  if (isV4Mapped(bytes)) bytes = bytes.slice(12);
  if (bytes.length !== subnet.address.length) return false;
  return bytes.every((byte, i) => (byte & subnet.mask[i]) === subnet.address[i]);
}
