// The origin of the edge runs: cdn-include in process on a temp docroot, each request it received recorded when its
// response ended, as the witness of what each edge asked (conditional or not) and what the origin answered.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from '../../src/server/app';

/** Every page is fresh for 1 s at the edge, then revalidated (RFC 9111 §4.2.1, §4.3). */
export const ORIGIN_CACHE_CONTROL = 'public, max-age=1';

/** One request as the origin received and answered it. */
export interface OriginRequest {
  method: string;
  path: string;
  status: number;
  /** The request carried If-None-Match or If-Modified-Since. */
  conditional: boolean;
  /** `GET /a 304 conditional`, for messages. */
  line: string;
}

/** A running origin. */
export interface EdgeOrigin {
  port: number;
  /** The requests answered since the previous call, in the order their responses ended. */
  takeRequests(): OriginRequest[];
  stop(): Promise<void>;
}

/**
 * Starts createApp on `root` at a free port of 127.0.0.1 with a 1 s max-age and no render-cache staleness
 * window, so every change to a file shows in the very next response the edge asks for.
 */
export async function startOrigin(root: string): Promise<EdgeOrigin> {
  const requests: OriginRequest[] = [];
  // A variable, not a literal: revalidateWindow belongs to the render cache, which older trees lack.
  const options: AppOptions & { revalidateWindow?: number } = {
    root,
    cacheControl: ORIGIN_CACHE_CONTROL,
    // Scenario 5 bans within the TTL: a minute, so only the ban (never expiry) can send a page back to the origin.
    cacheRules: [{ path: '/purge/**', maxAge: 60 }],
    revalidateWindow: 0,
  };
  // Recorded around the app rather than parsed from its access log, whose format is not the same in every tree.
  const handle = createApp(options).callback();
  const server: Server = createServer((req, res) => {
    res.once('close', () =>
      requests.push(originRequest(req.method ?? '', req.url ?? '', res.statusCode, req.headers)),
    );
    void handle(req, res);
  }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    takeRequests: () => requests.splice(0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function originRequest(
  method: string,
  path: string,
  status: number,
  headers: Record<string, unknown>,
): OriginRequest {
  const conditional = headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined;
  return {
    method,
    path,
    status,
    conditional,
    line: `${method} ${path} ${status}${conditional ? ' conditional' : ''}`,
  };
}
