// The origin of the edge runs: cdn-include in process on a temp docroot, its access log collected as the witness
// of what each edge asked (conditional or not) and what the origin answered.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from '../../src/server/app';

/** Every page is fresh for 1 s at the edge, then revalidated (RFC 9111 §4.2.1, §4.3). */
export const ORIGIN_CACHE_CONTROL = 'public, max-age=1';

/** One request as the origin logged it. */
export interface OriginRequest {
  method: string;
  path: string;
  status: number;
  /** The request carried If-None-Match or If-Modified-Since. */
  conditional: boolean;
  line: string;
}

/** A running origin. */
export interface EdgeOrigin {
  port: number;
  /** The requests logged since the previous call, in order. */
  takeRequests(): OriginRequest[];
  stop(): Promise<void>;
}

const LOG_LINE = /"(\S+) (\S+) HTTP\/[\d.]+" (\d{3}) /;

/**
 * Starts createApp on `root` at a free port of 127.0.0.1 with a 1 s max-age and no render-cache staleness
 * window, so every change to a file shows in the very next response the edge asks for.
 */
export async function startOrigin(root: string): Promise<EdgeOrigin> {
  const lines: string[] = [];
  // A variable, not a literal: revalidateWindow belongs to the render cache, which older trees lack.
  const options: AppOptions & { revalidateWindow?: number } = {
    root,
    cacheControl: ORIGIN_CACHE_CONTROL,
    // Scenario 5 bans within the TTL: a minute, so only the ban (never expiry) can send a page back to the origin.
    cacheRules: [{ path: '/purge/**', maxAge: 60 }],
    revalidateWindow: 0,
    accessLog: (line) => lines.push(line),
  };
  const server: Server = createApp(options).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    takeRequests: () => lines.splice(0).map(parseLogLine),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseLogLine(line: string): OriginRequest {
  const match = LOG_LINE.exec(line);
  if (match === null) throw new Error(`origin access log line not understood: ${line}`);
  return {
    method: match[1],
    path: match[2],
    status: Number(match[3]),
    conditional: line.endsWith(' conditional'),
    line,
  };
}
