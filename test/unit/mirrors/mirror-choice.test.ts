// Choosing a mirror: client networks, the country class, and weighted rendezvous hashing's promises — the same
// choice everywhere, shares that follow the weights, and only a removed mirror's keys moving.

import {
  clientNetworkOf,
  type MirrorCandidate,
  nearestCandidates,
  rendezvousChoice,
} from '../../../src/mirrors/mirror-choice';

const MIRRORS: MirrorCandidate[] = [
  { name: 'a', weight: 1, geo: 'de' },
  { name: 'b', weight: 2, geo: 'fr' },
  { name: 'c', weight: 1, geo: 'de' },
];
const KEYS = Array.from(
  { length: 20_000 },
  (_, index) => `10.${index >> 8}.${index & 255}.0/24 /files/f${index % 37}.iso`,
);

describe('clientNetworkOf', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:203.0.113.77', '203.0.113.0/24'],
    ['2001:db8:1234:5678::1', '2001:db8:1234::/48'],
    ['2001:0db8:0001:0000:0000:0000:0000:0001', '2001:db8:1::/48'],
    ['::1', '0:0:0::/48'],
    ['not an address', 'not an address'],
  ])('%s › %s', (address, network) => {
    expect(clientNetworkOf(address)).toBe(network);
  });
});

describe('nearestCandidates', () => {
  it('a client in a country with mirrors › only those; elsewhere or unknown › all', () => {
    expect(nearestCandidates(MIRRORS, 'DE').map(({ name }) => name)).toEqual(['a', 'c']);
    expect(nearestCandidates(MIRRORS, 'jp')).toBe(MIRRORS);
    expect(nearestCandidates(MIRRORS, undefined)).toBe(MIRRORS);
  });
});

describe('rendezvousChoice', () => {
  it('the same key › the same mirror, whatever the order the mirrors are listed in', () => {
    for (const key of KEYS.slice(0, 500))
      expect(rendezvousChoice([...MIRRORS].reverse(), key)?.name).toBe(rendezvousChoice(MIRRORS, key)?.name);
  });

  it('shares of 20,000 keys › within 2 points of each mirror’s share of the weight (1:2:1)', () => {
    const counts = new Map<string, number>();
    for (const key of KEYS) {
      const name = rendezvousChoice(MIRRORS, key)?.name ?? '';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const share = (name: string) => (counts.get(name) ?? 0) / KEYS.length;
    expect(Math.abs(share('a') - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(share('b') - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(share('c') - 0.25)).toBeLessThan(0.02);
  });

  it('a mirror removed › only the keys it held move', () => {
    const without = MIRRORS.filter(({ name }) => name !== 'b');
    for (const key of KEYS.slice(0, 2000)) {
      const before = rendezvousChoice(MIRRORS, key)?.name;
      if (before !== 'b') expect(rendezvousChoice(without, key)?.name).toBe(before);
    }
  });

  it('no candidate › none', () => {
    expect(rendezvousChoice([], 'key')).toBeUndefined();
  });
});
