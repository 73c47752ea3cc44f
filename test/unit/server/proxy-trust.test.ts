// The visitor's address behind trusted proxies: X-Forwarded-For walked from the right, trusted hops skipped, and
// nothing believed from a peer that is no trusted proxy.

import { clientAddress, isTrustedProxyEntry, trustedProxies } from '../../../src/server/proxy-trust';

describe('trustedProxies', () => {
  const trusted = trustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1']);

  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['10.255.0.1', true],
    ['11.0.0.1', false],
    ['::ffff:10.1.2.3', true],
    ['fd12::1', true],
    ['fe80::1', false],
    ['::1', true],
    ['not-an-address', false],
  ])('has(%s) › %s', (address, expected) => {
    expect(trusted.has(address)).toBe(expected);
  });

  it.each([
    ['10.0.0.0/8', true],
    ['2001:db8::/32', true],
    ['192.0.2.1', true],
    ['10.0.0.0/33', false],
    ['10.0.0.0/', false],
    ['example.com', false],
    ['true', false],
  ])('isTrustedProxyEntry(%s) › %s', (entry, expected) => {
    expect(isTrustedProxyEntry(entry)).toBe(expected);
  });
});

describe('clientAddress', () => {
  const trusted = trustedProxies(['127.0.0.1', '10.0.0.0/8']);

  it.each([
    ['an untrusted peer with a spoofed header', '198.51.100.4', '6.6.6.6', '198.51.100.4'],
    ['a trusted peer without the header', '127.0.0.1', undefined, '127.0.0.1'],
    ['a trusted peer, one hop', '127.0.0.1', '203.0.113.9', '203.0.113.9'],
    ['trusted hops skipped from the right', '127.0.0.1', '203.0.113.9, 10.0.0.3, 10.0.0.2', '203.0.113.9'],
    ['a spoofed left part ignored', '127.0.0.1', '6.6.6.6, 203.0.113.9', '203.0.113.9'],
    ['every hop trusted › the leftmost', '127.0.0.1', '10.0.0.9, 10.0.0.2', '10.0.0.9'],
    ['a malformed hop ends the walk', '127.0.0.1', '203.0.113.9, garbage, 10.0.0.2', '10.0.0.2'],
    ['an IPv6 visitor', '::ffff:127.0.0.1', '2001:db8::7', '2001:db8::7'],
  ])('%s', (_, peer, header, expected) => {
    expect(clientAddress(peer, header, trusted)).toBe(expected);
  });
});
