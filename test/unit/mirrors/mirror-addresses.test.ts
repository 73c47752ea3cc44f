// The mirrors' own addresses, whose requests are never redirected: hosts written as IP addresses at once, host
// names from each refresh (the prober's rounds), a failed lookup keeping what was known.

import { MirrorAddresses } from '../../../src/mirrors/mirror-addresses';
import { MirrorProber } from '../../../src/mirrors/mirror-prober';
import { waitFor } from '../../support/wait-for';

describe('MirrorAddresses', () => {
  it('hosts given as IP addresses › known at once, IPv4-mapped clients too; others not', () => {
    const addresses = new MirrorAddresses([
      { name: 'a', url: 'http://127.0.0.2:8081/' },
      { name: 'b', url: 'http://[2001:db8::7]/' },
    ]);
    expect(addresses.has('127.0.0.2')).toBe(true);
    expect(addresses.has('::ffff:127.0.0.2')).toBe(true);
    expect(addresses.has('2001:db8::7')).toBe(true);
    expect(addresses.has('127.0.0.1')).toBe(false);
  });

  it('a host name › its addresses from each refresh; a failed lookup keeps the last ones', async () => {
    let answer: string[] | Error = ['192.0.2.7', '2001:db8::9'];
    const addresses = new MirrorAddresses([{ name: 'a', url: 'https://mirror.example/' }], async (host) => {
      expect(host).toBe('mirror.example');
      if (answer instanceof Error) throw answer;
      return answer;
    });
    expect(addresses.has('192.0.2.7')).toBe(false);
    await addresses.refresh();
    expect(addresses.has('192.0.2.7')).toBe(true);
    expect(addresses.has('2001:db8::9')).toBe(true);
    answer = new Error('SERVFAIL');
    await addresses.refresh();
    expect(addresses.has('192.0.2.7')).toBe(true);
    answer = ['192.0.2.8'];
    await addresses.refresh();
    expect(addresses.has('192.0.2.7')).toBe(false);
    expect(addresses.has('192.0.2.8')).toBe(true);
  });
});

describe('MirrorProber.isMirrorAddress', () => {
  it('a host name › known once the first round has resolved it; IP hosts › at once', async () => {
    const prober = new MirrorProber({
      mirrors: [
        { name: 'a', url: 'http://mirror.example/' },
        { name: 'b', url: 'http://192.0.2.9/' },
      ],
      get: async () => {
        throw new Error('refused');
      },
      lookupHost: async () => ['198.51.100.4'],
      intervalMs: 60_000,
    });
    expect(prober.isMirrorAddress('192.0.2.9')).toBe(true);
    expect(prober.isMirrorAddress('198.51.100.4')).toBe(false);
    prober.start();
    try {
      await waitFor(() => prober.isMirrorAddress('198.51.100.4'), 'the resolved address', 2000);
    } finally {
      await prober.stop();
    }
  });
});
