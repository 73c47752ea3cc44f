// Connection limits of the HTTP server: how many connections it holds and how long a client may take to send its
// request or keep an idle connection, so half-open connections (Slowloris) cannot exhaust file descriptors.

import { createServer, type RequestListener, type Server } from 'node:http';
import { describeWholeNumber, isWholeNumber } from '../fields/whole-number';
import { CountedResponse } from './counted-response';

/** The limits applied to each accepted connection. Every duration is in milliseconds. */
export interface ConnectionLimits {
  /**
   * Connections held at once by this process; above it a new connection is closed as soon as it is accepted.
   * @default 4096
   */
  maxConnections: number;
  /** Time to receive a request's whole header section, from its first byte; 0 turns it off. @default 20000 */
  headersTimeout: number;
  /** Time to receive a whole request, headers and body; 0 turns it off. @default 60000 */
  requestTimeout: number;
  /** Time an idle keep-alive connection stays open after a response. @default 65000 */
  keepAliveTimeout: number;
}

/**
 * The defaults. The header timeout is Apache mod_reqtimeout's first header deadline (20 s). The keep-alive
 * timeout is longer than the 60 s idle timeout of common load balancers and CDN edges (AWS ALB, nginx upstream
 * keepalive): the proxy, not the origin, must be the one to close an idle connection, or it may send a request
 * on a connection the origin is closing and answer 502. Node's own default (5 s) is shorter than that.
 */
export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = {
  maxConnections: 4096,
  headersTimeout: 20_000,
  requestTimeout: 60_000,
  keepAliveTimeout: 65_000,
};

/** The longest interval between two sweeps for expired header and request timeouts. */
const MAX_CHECKING_INTERVAL = 1000;
/** The shortest, so a tiny timeout cannot make the server sweep its connections continuously. */
const MIN_CHECKING_INTERVAL = 100;

/**
 * Checks limits given as options; throws TypeError naming the one that is wrong.
 * @example checkConnectionLimits({ ...DEFAULT_CONNECTION_LIMITS, headersTimeout: 90_000 }); // throws
 */
export function checkConnectionLimits(limits: ConnectionLimits): ConnectionLimits {
  for (const [name, value] of Object.entries(limits)) {
    const range = { min: name === 'maxConnections' ? 1 : 0 };
    if (!isWholeNumber(value, range))
      throw new TypeError(`connection limit '${name}' must be ${describeWholeNumber(range)}`);
  }
  const { headersTimeout, requestTimeout } = limits;
  // node:http refuses a header deadline after the whole request's deadline.
  if (requestTimeout > 0 && headersTimeout > requestTimeout)
    throw new TypeError(
      `connection limit 'headersTimeout' (${headersTimeout} ms) must not exceed 'requestTimeout' (${requestTimeout} ms)`,
    );
  return limits;
}

/**
 * An http.Server running `listener` under `limits`; call `listen` on it.
 * @example
 * createLimitedServer(app.callback(), DEFAULT_CONNECTION_LIMITS).listen(8080, '127.0.0.1');
 */
export function createLimitedServer(listener: RequestListener, limits: ConnectionLimits): Server {
  const { maxConnections, headersTimeout, requestTimeout, keepAliveTimeout } = checkConnectionLimits(limits);
  const server = createServer(
    // Node sweeps for expired header and request deadlines every 30 s by default, which lets a half-open
    // connection live up to 30 s past its deadline; a quarter of the shortest deadline keeps the overshoot small.
    // Its responses count their body bytes, for the access log (see CountedResponse).
    {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: checkingInterval(limits),
      ServerResponse: CountedResponse,
    },
    listener,
  );
  server.maxConnections = maxConnections;
  server.keepAliveTimeout = keepAliveTimeout;
  return server;
}

function checkingInterval({ headersTimeout, requestTimeout }: ConnectionLimits): number {
  const deadlines = [headersTimeout, requestTimeout].filter((timeout) => timeout > 0);
  if (deadlines.length === 0) return MAX_CHECKING_INTERVAL;
  const quarter = Math.floor(Math.min(...deadlines) / 4);
  return Math.min(MAX_CHECKING_INTERVAL, Math.max(MIN_CHECKING_INTERVAL, quarter));
}
