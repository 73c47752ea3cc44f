// A purge endpoint for the purge-storm scenario: a node:http server on 127.0.0.1 that answers slowly, sometimes
// 503 with Retry-After, and records every request with the connections and requests it had open at once.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/** One purge request as the endpoint saw it. */
export interface ReceivedPurge {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** When it arrived and when it was answered, epoch ms. */
  receivedAt: number;
  answeredAt: number | undefined;
  status: number;
}

/** Options of startPurgeEndpoint. */
export interface PurgeEndpointOptions {
  /** How long each answer takes, in ms. */
  delayMs: number;
  /** Every n-th request is answered 503 with `Retry-After: 1`; 0 never. */
  failEvery: number;
}

/** A running endpoint and its figures. */
export interface PurgeEndpoint {
  url: string;
  received: ReceivedPurge[];
  /** Most TCP connections open at once. */
  maxConnections(): number;
  /** Most requests awaiting their answer at once. */
  maxInFlight(): number;
  /** Requests awaiting their answer now. */
  inFlight(): number;
  /** Changes which requests fail from now on (every n-th, 0 never). */
  failEvery(n: number): void;
  close(): Promise<void>;
}

/** Starts the endpoint on a free loopback port. */
export async function startPurgeEndpoint(options: PurgeEndpointOptions): Promise<PurgeEndpoint> {
  const received: ReceivedPurge[] = [];
  let connections = 0;
  let maxConnections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let failEvery = options.failEvery;
  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const fail = failEvery > 0 && (received.length + 1) % failEvery === 0;
    const record: ReceivedPurge = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      receivedAt: Date.now(),
      answeredAt: undefined,
      status: fail ? 503 : 200,
    };
    received.push(record);
    req.resume();
    setTimeout(() => {
      inFlight--;
      record.answeredAt = Date.now();
      if (fail) res.setHeader('Retry-After', '1');
      res.statusCode = record.status;
      res.end();
    }, options.delayMs);
  });
  server.on('connection', (socket) => {
    connections++;
    maxConnections = Math.max(maxConnections, connections);
    socket.on('close', () => connections--);
  });
  server.maxConnections = 100_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    maxConnections: () => maxConnections,
    maxInFlight: () => maxInFlight,
    inFlight: () => inFlight,
    failEvery: (n) => void (failEvery = n),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
