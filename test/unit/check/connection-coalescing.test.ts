// The connection model of `check --asset-hosts`: which origins coalesce under Chromium's and Firefox's rules, and
// how many connections a page costs. Facts are literals; no DNS, no TLS.

import { certificateNames } from '../../../src/check/certificate-names';
import {
  predictConnections,
  type OriginFacts,
  type TlsFacts,
} from '../../../src/check/connection-coalescing';

const ALL_NAMES = 'DNS:www.example.test, DNS:a1.example.test, DNS:a2.example.test, DNS:a3.example.test';
const MISSING_A3 = 'DNS:www.example.test, DNS:a1.example.test, DNS:a2.example.test';

function tls(san: string, overrides: Partial<TlsFacts> = {}): TlsFacts {
  return {
    protocol: 'h2',
    peerAddress: '127.0.0.1',
    names: certificateNames(san),
    trusted: true,
    ...overrides,
  };
}

function origin(host: string, requests: number, overrides: Partial<OriginFacts> = {}): OriginFacts {
  return {
    origin: `https://${host}`,
    host,
    port: 443,
    secure: true,
    addresses: ['127.0.0.1'],
    requests,
    tls: tls(ALL_NAMES),
    ...overrides,
  };
}

const page = (overrides: Partial<OriginFacts> = {}) => origin('www.example.test', 1, overrides);
const shards = (overrides: Partial<OriginFacts> = {}) =>
  ['a1', 'a2', 'a3'].map((name) => origin(`${name}.example.test`, 20, overrides));

describe('predictConnections', () => {
  it('HTTP/2, one certificate for every name, one address › one connection; the shards coalesce onto the page’s', () => {
    const prediction = predictConnections([page(), ...shards()], 'chromium');
    // The navigation may race a preconnect to the page's origin: two sockets at most, one carries everything.
    expect(prediction).toMatchObject({ minConnections: 1, maxConnections: 1, maxOpened: 2 });
    expect(prediction.origins.map((entry) => [entry.verdict, entry.onto])).toEqual([
      ['own', undefined],
      ['coalesced', 'https://www.example.test'],
      ['coalesced', 'https://www.example.test'],
      ['coalesced', 'https://www.example.test'],
    ]);
  });

  it('the certificate misses one shard › that shard opens one more connection, and says why', () => {
    const a3 = origin('a3.example.test', 20, { tls: tls('DNS:a3.example.test') });
    const [a1, a2] = shards();
    const prediction = predictConnections([page({ tls: tls(MISSING_A3) }), a1, a2, a3], 'chromium');
    // a3's 20 waiting requests may open 6 connections before ALPN says h2; one carries them.
    expect(prediction).toMatchObject({ minConnections: 2, maxConnections: 2, maxOpened: 2 + 6 });
    expect(prediction.origins[3]).toMatchObject({
      verdict: 'own',
      protocol: 'h2',
      reason:
        'own HTTP/2 connection: the certificate of https://www.example.test does not cover a3.example.test',
      notPooledBecause: ['the certificate of https://www.example.test does not cover a3.example.test'],
    });
  });

  it('HTTP/1.1 everywhere › no coalescing, one to six connections per origin', () => {
    const h1 = (facts: OriginFacts) => ({ ...facts, tls: tls(ALL_NAMES, { protocol: 'http/1.1' }) });
    const prediction = predictConnections([page(), ...shards()].map(h1), 'chromium');
    expect(prediction).toMatchObject({ minConnections: 4, maxConnections: 1 + 6 * 3, maxOpened: 2 + 6 * 3 });
    expect(prediction.origins.every((entry) => entry.verdict === 'own')).toBe(true);
  });

  it('an origin with two requests over HTTP/1.1 › at most two connections', () => {
    const prediction = predictConnections([page({ tls: undefined, secure: false, requests: 2 })], 'chromium');
    expect(prediction.origins[0]).toMatchObject({
      maxConnections: 2,
      reason: expect.stringMatching(/^http: without TLS/),
    });
  });

  describe('address rules', () => {
    // The page's connection went to .1; the shard resolves to .2 and .1 is only among the page host's addresses.
    const pageHost = page({
      addresses: ['192.0.2.1', '192.0.2.2'],
      tls: tls(ALL_NAMES, { peerAddress: '192.0.2.1' }),
    });
    const shard = origin('a1.example.test', 20, { addresses: ['192.0.2.2', '192.0.2.3'] });

    it('Chromium › the page connection’s address is not among the shard’s: its own connection', () => {
      const prediction = predictConnections([pageHost, shard], 'chromium');
      expect(prediction.maxConnections).toBe(2);
      expect(prediction.origins[1].reason).toContain('goes to 192.0.2.1, not among a1.example.test');
    });

    it('Firefox › the address sets overlap: it coalesces', () => {
      expect(predictConnections([pageHost, shard], 'firefox').maxConnections).toBe(1);
    });

    it('Firefox › disjoint address sets: its own connection', () => {
      const apart = { ...shard, addresses: ['198.51.100.7'] };
      expect(predictConnections([pageHost, apart], 'firefox').origins[1].reason).toContain(
        'share no address',
      );
    });
  });

  it('another port › never coalesces', () => {
    const prediction = predictConnections([page(), origin('a1.example.test', 5, { port: 8443 })], 'chromium');
    expect(prediction.origins[1].reason).toContain('is on another port');
  });

  it('an untrusted certificate on the first connection › nothing pools onto it', () => {
    const untrusted = page({
      tls: tls(ALL_NAMES, { trusted: false, trustError: 'SELF_SIGNED_CERT_IN_CHAIN' }),
    });
    expect(predictConnections([untrusted, ...shards()], 'chromium').origins[1].reason).toContain(
      'is not trusted',
    );
  });

  it('an unreachable shard › no connection counted, the failure as reason', () => {
    const gone = origin('a2.example.test', 20, {
      failure: 'getaddrinfo ENOTFOUND a2.example.test',
      tls: undefined,
    });
    const prediction = predictConnections([page(), gone], 'chromium');
    expect(prediction.origins[1]).toMatchObject({ verdict: 'unreachable', maxConnections: 0 });
    expect(prediction.maxConnections).toBe(1);
  });

  it('a shard that cannot pool onto the page may still pool onto an earlier shard', () => {
    const a1 = origin('a1.example.test', 20, { tls: tls('DNS:a1.example.test, DNS:a2.example.test') });
    const a2 = origin('a2.example.test', 20);
    const prediction = predictConnections([page({ tls: tls('DNS:www.example.test') }), a1, a2], 'chromium');
    expect(prediction.origins.map((entry) => entry.onto)).toEqual([
      undefined,
      undefined,
      'https://a1.example.test',
    ]);
    expect(prediction.maxConnections).toBe(2);
  });
});

describe('preconnect hints', () => {
  it('a shard the page asks to preconnect to › one socket more may open, even when it coalesces', () => {
    const a3 = origin('a3.example.test', 20, { tls: tls('DNS:a3.example.test'), preconnected: true });
    const [a1] = shards({ preconnected: true });
    const prediction = predictConnections([page({ tls: tls(MISSING_A3) }), a1, a3], 'chromium');
    expect(prediction.origins.map((entry) => entry.maxOpened)).toEqual([2, 1, 6 + 1]);
    expect(prediction.origins[1]).toMatchObject({ verdict: 'coalesced', maxConnections: 0 });
  });
});
