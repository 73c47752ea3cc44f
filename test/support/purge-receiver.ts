// Test helper: a local HTTP server standing in for a CDN's purge API, keeping every request it receives.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/** A listening purge receiver: what it received, the URL to give `--purge-url`, and its server to close. */
export interface PurgeReceiver {
  received: IncomingMessage[];
  url: string;
  server: Server;
}

/**
 * Starts a receiver on 127.0.0.1 and a free port; each request is kept and answered with `statusOf(n)` (n counts
 * from 1), 200 by default.
 */
export async function startPurgeReceiver(statusOf: (n: number) => number = () => 200): Promise<PurgeReceiver> {
  const received: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    received.push(req);
    res.statusCode = statusOf(received.length);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
