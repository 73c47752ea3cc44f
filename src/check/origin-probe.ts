// Gathers the facts the connection model needs about one origin: the addresses its host resolves to and what a
// TLS handshake offering h2 and http/1.1 shows (protocol, peer address, certificate names, trust). The resolver
// and the handshake are injectable, so tests run without DNS or TLS. Never prints.

import dns from 'node:dns';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { certificateNames } from './certificate-names';
import type { OriginFacts, TlsFacts } from './connection-coalescing';
import { trustedCertificates } from './recorded-request';

/** Resolves a host name to its addresses, in the order a browser tries them. */
export type HostResolver = (host: string) => Promise<string[]>;

/** Where a handshake goes, and whom it trusts. */
export interface HandshakeTarget {
  /** The name sent in SNI and checked against the certificate. */
  host: string;
  address: string;
  port: number;
  /** PEM certificates trusted besides Node's roots. @default none */
  ca?: string;
  timeoutMs: number;
}

/** Opens TLS to a target, reads what it shows and closes again. */
export type TlsHandshake = (target: HandshakeTarget) => Promise<TlsFacts>;

/** How `probeOrigin` reaches an origin. */
export interface OriginProbeOptions {
  /** @default the system resolver (getaddrinfo), with `resolve`'s names pinned */
  resolveHost?: HostResolver;
  /** @default a node:tls handshake offering h2 and http/1.1 */
  handshake?: TlsHandshake;
  /** PEM certificates trusted besides Node's roots. @default none */
  ca?: string;
  /** Milliseconds the handshake may take. @default 10000 */
  timeoutMs?: number;
}

/**
 * The system resolver as browsers use it (getaddrinfo, every address), answering the names in `pinned` with
 * their fixed addresses instead, as Chromium's `--host-resolver-rules` or curl's `--resolve` do.
 * @example await systemResolver({ 'a1.example.test': ['127.0.0.1'] })('a1.example.test') // ['127.0.0.1']
 */
export function systemResolver(pinned: Record<string, string[]> = {}): HostResolver {
  return async (host) => {
    if (isIP(host) !== 0) return [host];
    const fixed = pinned[host.toLowerCase()];
    if (fixed !== undefined && fixed.length > 0) return fixed;
    const found = await dns.promises.lookup(host, { all: true, verbatim: true });
    return found.map((entry) => entry.address);
  };
}

/** A node:tls handshake offering h2 and http/1.1 (ALPN); an untrusted certificate is reported, not refused. */
export const nodeTlsHandshake: TlsHandshake = (target) =>
  new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: target.address,
      port: target.port,
      // RFC 6066 §3: no SNI for an IP literal.
      ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
      ALPNProtocols: ['h2', 'http/1.1'],
      ca: trustedCertificates(target.ca),
      rejectUnauthorized: false,
      timeout: target.timeoutMs,
    });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const authorizationError = socket.authorizationError;
      resolve({
        protocol: socket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1',
        peerAddress: socket.remoteAddress ?? target.address,
        names: certificateNames(certificate.subjectaltname),
        trusted: socket.authorized,
        ...(authorizationError ? { trustError: String(authorizationError) } : {}),
      });
      socket.end();
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TLS handshake within ${target.timeoutMs} ms`)));
    socket.once('error', (err: NodeJS.ErrnoException) => reject(err));
  });

/**
 * Resolves the origin's host and, for https:, shakes hands with its first address; a failure of either is kept
 * in `failure`, never thrown. `requests` is how many requests the page makes there.
 * @example await probeOrigin(new URL('https://a1.example.test/'), 20) // { addresses: […], tls: { protocol: 'h2', … } }
 */
export async function probeOrigin(
  origin: URL,
  requests: number,
  options: OriginProbeOptions = {},
): Promise<OriginFacts> {
  const secure = origin.protocol === 'https:';
  const host = origin.hostname.replace(/^\[|\]$/g, '');
  const port = Number(origin.port) || (secure ? 443 : 80);
  const base = { origin: origin.origin, host, port, secure, requests };
  let addresses: string[];
  try {
    addresses = await (options.resolveHost ?? systemResolver())(host);
  } catch (err) {
    return { ...base, addresses: [], failure: `${host} does not resolve: ${reasonOf(err)}` };
  }
  if (addresses.length === 0) return { ...base, addresses, failure: `${host} resolves to no address` };
  if (!secure) return { ...base, addresses };
  const target = {
    host,
    address: addresses[0],
    port,
    ca: options.ca,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
  try {
    return { ...base, addresses, tls: await (options.handshake ?? nodeTlsHandshake)(target) };
  } catch (err) {
    return {
      ...base,
      addresses,
      failure: `no TLS handshake with ${host} at ${addresses[0]}:${port}: ${reasonOf(err)}`,
    };
  }
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return err.message === '' && code !== undefined ? code : err.message;
}
