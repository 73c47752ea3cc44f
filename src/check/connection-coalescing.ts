// Predicts how many connections a browser opens for a page's origins: which HTTP/2 origins coalesce onto an
// earlier connection (RFC 9113 §9.1.1: the certificate covers the name and the address matches) and how many
// HTTP/1.1 connections the rest take. Pure: works on facts gathered elsewhere, no DNS, no TLS.

import { certificateCovers, type CertificateNames } from './certificate-names';

/** Connections a browser opens at most to one HTTP/1.1 origin (Chromium and Firefox both stop at 6). */
export const HTTP1_CONNECTIONS_PER_ORIGIN = 6;

/** Sockets a browser may open to the page's origin before its first response: the navigation's, a preconnect. */
export const NAVIGATION_PRECONNECTS = 2;

/** What the TLS handshake with an origin showed. */
export interface TlsFacts {
  /** The ALPN result; a server that negotiates nothing speaks HTTP/1.1. */
  protocol: 'h2' | 'http/1.1';
  /** The address the connection went to. */
  peerAddress: string;
  /** The names the server's certificate covers. */
  names: CertificateNames;
  /** Whether the chain verifies against the trusted CAs and the certificate covers the host. */
  trusted: boolean;
  /** Why it is not trusted, when it is not (Node's code, e.g. `ERR_TLS_CERT_ALTNAME_INVALID`). */
  trustError?: string;
}

/** What is known about one origin a page uses, in the order the browser first needs it (the page's first). */
export interface OriginFacts {
  /** The origin, as URL#origin spells it. */
  origin: string;
  host: string;
  port: number;
  secure: boolean;
  /** The addresses the host resolves to, in the resolver's order; empty when it does not resolve. */
  addresses: string[];
  /** Requests the page makes there (the page itself counts on its own origin). */
  requests: number;
  /** The page's response asks to preconnect there (`Link: <origin>; rel=preconnect`). @default false */
  preconnected?: boolean;
  /** The handshake's outcome, for an https: origin that was reached. */
  tls?: TlsFacts;
  /** Why the origin could not be reached (name resolution or handshake failed). */
  failure?: string;
}

/**
 * Which pooling rule to model. `chromium`: the earlier connection's peer address must be among the new host's
 * addresses (Chromium's SpdySessionPool keeps only that one address). `firefox`: the two hosts' address sets
 * need only share one address (Firefox keeps them all). Both need the same port and a certificate covering the
 * new name; neither pools over HTTP/1.1.
 */
export type CoalescingRule = 'chromium' | 'firefox';

/** How one origin's requests travel. */
export interface OriginConnections {
  origin: string;
  /** `own`: it opens its connections; `coalesced`: it reuses `onto`'s; `unreachable`: no connection at all. */
  verdict: 'own' | 'coalesced' | 'unreachable';
  /** The origin whose HTTP/2 connection it reuses, when coalesced. */
  onto?: string;
  protocol: 'h2' | 'http/1.1';
  /** Connections of its own that carry its requests: 0 when coalesced, 1 over HTTP/2, 1 up to 6 over HTTP/1.1. */
  minConnections: number;
  maxConnections: number;
  /**
   * Connections it may open at most: one per waiting request, up to 6, because a browser that has not yet seen
   * the origin speak HTTP/2 opens several and closes the spare ones once ALPN says h2 (on the page's own origin,
   * at least 2: the navigation races a preconnect), and one more when the page asks to preconnect there (even
   * when coalesced: Chromium's preconnect may open a socket before the pooling check).
   */
  maxOpened: number;
  /** One sentence saying why. */
  reason: string;
  /** Why it could not reuse the earlier HTTP/2 connections, one clause each, when there were some. */
  notPooledBecause?: string[];
}

/** The prediction for the whole page under one rule. */
export interface CoalescingPrediction {
  rule: CoalescingRule;
  origins: OriginConnections[];
  /** Sums over the origins: the fewest and the most connections that carry requests, and the most opened. */
  minConnections: number;
  maxConnections: number;
  maxOpened: number;
}

/**
 * Predicts, origin by origin in the order given, whether a browser following `rule` reuses an earlier HTTP/2
 * connection or opens its own, and how many connections the page costs in all.
 * @example
 * predictConnections([page, shard1, shard2], 'chromium').maxConnections // 1 when all three coalesce
 */
export function predictConnections(facts: OriginFacts[], rule: CoalescingRule): CoalescingPrediction {
  const opened: OriginFacts[] = [];
  const origins = facts.map((origin, index) => {
    const outcome = connectionsOf(origin, opened, rule, index === 0);
    if (outcome.verdict === 'own' && outcome.protocol === 'h2') opened.push(origin);
    return outcome;
  });
  const sum = (pick: (origin: OriginConnections) => number): number =>
    origins.reduce((total, origin) => total + pick(origin), 0);
  return {
    rule,
    origins,
    minConnections: sum((origin) => origin.minConnections),
    maxConnections: sum((origin) => origin.maxConnections),
    maxOpened: sum((origin) => origin.maxOpened),
  };
}

function connectionsOf(
  origin: OriginFacts,
  opened: OriginFacts[],
  rule: CoalescingRule,
  isPage: boolean,
): OriginConnections {
  const base = { origin: origin.origin, protocol: origin.tls?.protocol ?? ('http/1.1' as const) };
  const none = { minConnections: 0, maxConnections: 0, maxOpened: 0 };
  if (origin.failure !== undefined)
    return { ...base, verdict: 'unreachable', ...none, reason: origin.failure };
  // Chromium preconnects the page's origin when the navigation starts, a second socket racing the first.
  const waiting = isPage ? Math.max(NAVIGATION_PRECONNECTS, origin.requests) : Math.max(1, origin.requests);
  // A preconnect hint may open a socket of its own before the requests come, beside the ones they open.
  const hinted = origin.preconnected === true && !isPage ? 1 : 0;
  const maxOpened = Math.min(HTTP1_CONNECTIONS_PER_ORIGIN, waiting) + hinted;
  if (origin.tls === undefined || origin.tls.protocol === 'http/1.1') {
    const why = origin.tls === undefined ? 'http: without TLS' : 'the server chose HTTP/1.1 (ALPN)';
    const reason = `${why}: no coalescing, a connection per waiting request up to ${HTTP1_CONNECTIONS_PER_ORIGIN}`;
    const maxConnections = Math.min(HTTP1_CONNECTIONS_PER_ORIGIN, Math.max(1, origin.requests));
    return { ...base, verdict: 'own', minConnections: 1, maxConnections, maxOpened, reason };
  }
  const refusals: string[] = [];
  for (const earlier of opened) {
    const refusal = refusalToPool(earlier, origin, rule);
    if (refusal === undefined) {
      const spare = hinted === 1 ? '; its preconnect hint may still open a socket that carries nothing' : '';
      const reason = `coalesces onto the HTTP/2 connection of ${earlier.origin}${spare}`;
      return {
        ...base,
        verdict: 'coalesced',
        onto: earlier.origin,
        ...none,
        // Chromium's preconnect does not always wait to see the address match: a spare socket (test:browser).
        maxOpened: hinted,
        reason,
      };
    }
    refusals.push(refusal);
  }
  const reason =
    refusals.length === 0 ? 'first HTTP/2 connection' : `own HTTP/2 connection: ${refusals.join('; ')}`;
  const notPooled = refusals.length === 0 ? {} : { notPooledBecause: refusals };
  return { ...base, verdict: 'own', minConnections: 1, maxConnections: 1, maxOpened, reason, ...notPooled };
}

/** Why `origin` cannot reuse the HTTP/2 connection `earlier` opened, or undefined when it can. */
function refusalToPool(earlier: OriginFacts, origin: OriginFacts, rule: CoalescingRule): string | undefined {
  const connection = earlier.tls;
  if (connection === undefined) return `${earlier.origin} has no TLS connection`;
  if (earlier.port !== origin.port) return `${earlier.origin} is on another port`;
  if (!connection.trusted) return `the certificate of ${earlier.origin} is not trusted`;
  if (!certificateCovers(connection.names, origin.host))
    return `the certificate of ${earlier.origin} does not cover ${origin.host}`;
  if (rule === 'chromium' && !origin.addresses.includes(connection.peerAddress))
    return `${earlier.origin}'s connection goes to ${connection.peerAddress}, not among ${origin.host}'s addresses`;
  if (rule === 'firefox' && !earlier.addresses.some((address) => origin.addresses.includes(address)))
    return `${earlier.origin} and ${origin.host} share no address`;
  return undefined;
}
