// AddressMatcher gives the answer of a node:net BlockList over the same blocks (hasAddress), IPv4 compared as numbers;
// ipv4Number reads exactly the dotted-decimal addresses isIP takes.

import { BlockList, isIP } from 'node:net';
import { addAddressBlock, hasAddress } from '../../../src/fields/address-blocks';
import { AddressMatcher, ipv4Number } from '../../../src/fields/address-matcher';

const BLOCKS = ['10.0.0.0/8', '192.0.2.7', '198.51.100.128/25', '0.0.0.0/32', '2001:db8::/32', '::1'];

const ADDRESSES = [
  '10.0.0.0',
  '10.255.255.255',
  '11.0.0.0',
  '9.255.255.255',
  '192.0.2.7',
  '192.0.2.8',
  '198.51.100.127',
  '198.51.100.128',
  '198.51.100.255',
  '0.0.0.0',
  '255.255.255.255',
  '::ffff:10.1.2.3',
  '::FFFF:192.0.2.7',
  '::ffff:11.1.2.3',
  '2001:db8::1',
  '2001:db9::1',
  '::1',
  '::2',
  '',
  'garbage',
  '10.1.2',
  '10.1.2.3.4',
  '010.1.2.3',
  '10.1.2.256',
  '10.1.2.3 ',
  '1e1.1.1.1',
];

describe('AddressMatcher', () => {
  const matcher = new AddressMatcher(BLOCKS);
  const list = new BlockList();
  for (const block of BLOCKS) addAddressBlock(list, block);

  it.each(ADDRESSES)('%j › as a BlockList answers', (address) => {
    expect(matcher.has(address)).toBe(hasAddress(list, address));
  });

  it('the whole IPv4 space in one block (/0) › every IPv4 address, no IPv6 one', () => {
    const all = new AddressMatcher(['0.0.0.0/0']);
    expect(all.has('203.0.113.9')).toBe(true);
    expect(all.has('2001:db8::1')).toBe(false);
  });

  it('a block that is no address › the message address-blocks.ts gives', () => {
    expect(() => new AddressMatcher(['10.0.0.0/33'])).toThrow("'10.0.0.0/33' has no valid prefix length");
    expect(() => new AddressMatcher(['ten'])).toThrow("'ten' is not an IP address or CIDR block");
  });
});

describe('ipv4Number', () => {
  it.each(ADDRESSES)('%j › a number exactly when isIP reads IPv4', (address) => {
    const plain = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
    expect(ipv4Number(address) !== undefined).toBe(isIP(plain) === 4);
  });

  it('› the address as a 32-bit number', () => {
    expect(ipv4Number('192.0.2.7')).toBe(((192 * 256 + 0) * 256 + 2) * 256 + 7);
    expect(ipv4Number('255.255.255.255')).toBe(2 ** 32 - 1);
  });
});
