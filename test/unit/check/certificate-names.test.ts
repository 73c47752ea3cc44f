// subjectAltName reading and host matching (RFC 6125 §6.4), checked against node:tls's own checkServerIdentity.

import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { certificateCovers, certificateNames } from '../../../src/check/certificate-names';

const SAN = 'DNS:www.example.test, DNS:*.cdn.example.test, DNS:A1.Example.Test, IP Address:127.0.0.1';

describe('certificateNames', () => {
  it('Node’s subjectaltname text › DNS names in lower case and IP addresses apart', () => {
    expect(certificateNames(SAN)).toEqual({
      dnsNames: ['www.example.test', '*.cdn.example.test', 'a1.example.test'],
      ipAddresses: ['127.0.0.1'],
    });
  });

  it('no subjectAltName › no names (the CN is never read)', () => {
    expect(certificateNames(undefined)).toEqual({ dnsNames: [], ipAddresses: [] });
  });
});

describe('certificateCovers', () => {
  const names = certificateNames(SAN);

  it.each([
    ['www.example.test', true, 'an exact name'],
    ['WWW.example.test.', true, 'case and a trailing dot do not matter'],
    ['a1.example.test', true, 'a name written in upper case in the certificate'],
    ['a2.example.test', false, 'a name the certificate lacks'],
    ['img.cdn.example.test', true, 'a wildcard matches one label'],
    ['a.b.cdn.example.test', false, 'a wildcard never matches two labels'],
    ['cdn.example.test', false, 'a wildcard never matches an empty label'],
    ['127.0.0.1', true, 'an IP literal against the IP entries'],
    ['127.0.0.2', false, 'another IP literal'],
  ])('%s › %s (%s)', (host, expected) => {
    expect(certificateCovers(names, host)).toBe(expected);
  });

  it('a wildcard over a single label (*.test) › covers nothing', () => {
    expect(certificateCovers(certificateNames('DNS:*.test'), 'example.test')).toBe(false);
  });

  it.each(['www.example.test', 'a2.example.test', 'img.cdn.example.test', 'a.b.cdn.example.test', 'x.test'])(
    '%s › the same answer as node:tls checkServerIdentity',
    (host) => {
      const certificate = { subject: {}, subjectaltname: SAN } as unknown as PeerCertificate;
      expect(certificateCovers(names, host)).toBe(checkServerIdentity(host, certificate) === undefined);
    },
  );
});
