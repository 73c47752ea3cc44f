// probeOrigin with an injected resolver and handshake: what reaches the handshake, and every failure kept as a
// reason rather than thrown. No DNS, no TLS.

import { certificateNames } from '../../../src/check/certificate-names';
import type { TlsFacts } from '../../../src/check/connection-coalescing';
import { probeOrigin, systemResolver, type HandshakeTarget } from '../../../src/check/origin-probe';

const FACTS: TlsFacts = {
  protocol: 'h2',
  peerAddress: '192.0.2.10',
  names: certificateNames('DNS:a1.example.test'),
  trusted: true,
};

describe('probeOrigin', () => {
  it('an https: origin › resolves, then shakes hands with the first address, SNI the host, the port and CA given', async () => {
    const targets: HandshakeTarget[] = [];
    const facts = await probeOrigin(new URL('https://A1.example.test:8443/img/x.png'), 20, {
      resolveHost: async () => ['192.0.2.10', '192.0.2.11'],
      handshake: async (target) => (targets.push(target), FACTS),
      ca: 'PEM',
      timeoutMs: 500,
    });
    expect(targets).toEqual([
      { host: 'a1.example.test', address: '192.0.2.10', port: 8443, ca: 'PEM', timeoutMs: 500 },
    ]);
    expect(facts).toEqual({
      origin: 'https://a1.example.test:8443',
      host: 'a1.example.test',
      port: 8443,
      secure: true,
      requests: 20,
      addresses: ['192.0.2.10', '192.0.2.11'],
      tls: FACTS,
    });
  });

  it('an http: origin › resolved, no handshake, port 80', async () => {
    const facts = await probeOrigin(new URL('http://a1.example.test/'), 3, {
      resolveHost: async () => ['192.0.2.10'],
      handshake: () => Promise.reject(new Error('no handshake for http:')),
    });
    expect(facts).toMatchObject({ port: 80, secure: false, addresses: ['192.0.2.10'] });
    expect(facts.tls).toBeUndefined();
    expect(facts.failure).toBeUndefined();
  });

  it('a name that does not resolve › the failure names the host and the resolver’s code', async () => {
    const notFound = Object.assign(new Error(''), { code: 'ENOTFOUND' });
    const facts = await probeOrigin(new URL('https://gone.example.test/'), 1, {
      resolveHost: () => Promise.reject(notFound),
    });
    expect(facts).toMatchObject({ addresses: [], failure: 'gone.example.test does not resolve: ENOTFOUND' });
  });

  it('a failed handshake › the failure names the address and port', async () => {
    const facts = await probeOrigin(new URL('https://a1.example.test/'), 1, {
      resolveHost: async () => ['192.0.2.10'],
      handshake: () => Promise.reject(new Error('ECONNREFUSED')),
    });
    expect(facts.failure).toBe('no TLS handshake with a1.example.test at 192.0.2.10:443: ECONNREFUSED');
  });
});

describe('systemResolver', () => {
  it('a pinned name › its fixed addresses, whatever its case', async () => {
    const resolve = systemResolver({ 'a1.example.test': ['127.0.0.1', '127.0.0.2'] });
    expect(await resolve('A1.Example.Test')).toEqual(['127.0.0.1', '127.0.0.2']);
  });

  it('an IP literal › itself, without asking DNS', async () => {
    expect(await systemResolver()('127.0.0.5')).toEqual(['127.0.0.5']);
  });
});
