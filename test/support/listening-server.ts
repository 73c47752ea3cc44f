// Test helper: an HTTP server on a free loopback port for the length of a test, closed again by the test.

import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Serves `listener` on 127.0.0.1 and a port the system picks; resolves once it listens. */
export async function listenOnFreePort(listener: RequestListener): Promise<Server> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** `http://127.0.0.1:PORT` of a listening server, without a trailing slash. */
export function serverUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops accepting connections and resolves once the open ones are closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
