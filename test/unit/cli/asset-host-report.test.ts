// The asset-host lines of `check --asset-hosts`, from a report literal: an unreachable origin, an untrusted one,
// an http: one, the two browsers' counts and the verdict.

import type { AssetHostReport } from '../../../src/check/asset-host-check';
import { certificateNames } from '../../../src/check/certificate-names';
import { predictConnections, type OriginFacts } from '../../../src/check/connection-coalescing';
import { formatAssetHostReport } from '../../../src/cli/asset-host-report';

const ORIGINS: OriginFacts[] = [
  {
    origin: 'https://www.example.test',
    host: 'www.example.test',
    port: 443,
    secure: true,
    addresses: ['192.0.2.1'],
    requests: 1,
    tls: {
      protocol: 'h2',
      peerAddress: '192.0.2.1',
      names: certificateNames('DNS:www.example.test'),
      trusted: false,
      trustError: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
  },
  {
    origin: 'http://a1.example.test',
    host: 'a1.example.test',
    port: 80,
    secure: false,
    addresses: ['192.0.2.2'],
    requests: 9,
  },
  {
    origin: 'https://a2.example.test',
    host: 'a2.example.test',
    port: 443,
    secure: true,
    addresses: [],
    requests: 3,
    failure: 'a2.example.test does not resolve: ENOTFOUND',
  },
];

function report(): AssetHostReport {
  return {
    url: 'https://www.example.test/',
    origins: ORIGINS,
    chromium: predictConnections(ORIGINS, 'chromium'),
    firefox: predictConnections(ORIGINS, 'firefox'),
    validators: [],
    problems: [
      {
        code: 'asset-host-unreachable',
        severity: 'error',
        origin: 'https://a2.example.test',
        message: 'a2.example.test does not resolve: ENOTFOUND',
      },
    ],
    ok: false,
  };
}

describe('formatAssetHostReport', () => {
  it('one line per origin, the counts of both browsers, the problems, the verdict', () => {
    expect(formatAssetHostReport(report())).toEqual([
      'asset origin https://www.example.test (the page): 1 request, resolves to 192.0.2.1, h2 at 192.0.2.1, ' +
        'certificate for www.example.test (NOT trusted: ERR_TLS_CERT_ALTNAME_INVALID); first HTTP/2 connection',
      'asset origin http://a1.example.test: 9 requests, resolves to 192.0.2.2; http: without TLS: no coalescing, ' +
        'a connection per waiting request up to 6',
      'asset origin https://a2.example.test: 3 requests, unreachable: a2.example.test does not resolve: ENOTFOUND',
      'asset connections in Chromium: 2 to 7 carrying requests, at most 8 opened',
      'asset connections in Firefox: 2 to 7 carrying requests, at most 8 opened',
      'error asset-host-unreachable: a2.example.test does not resolve: ENOTFOUND',
      'asset hosts: NOT as they should be (see the errors above)',
    ]);
  });

  it('a page that is not HTML › no origin lines, no counts: the problem and the verdict', () => {
    const notHtml: AssetHostReport = {
      ...report(),
      origins: [],
      chromium: predictConnections([], 'chromium'),
      firefox: predictConnections([], 'firefox'),
      problems: [
        {
          code: 'page-not-html',
          severity: 'error',
          origin: 'https://www.example.test',
          message: 'answers 404',
        },
      ],
    };
    expect(formatAssetHostReport(notHtml)).toEqual([
      'error page-not-html: answers 404',
      'asset hosts: NOT as they should be (see the errors above)',
    ]);
  });
});
