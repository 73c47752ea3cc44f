// Floods a server with requests that each differ (a URL, a header value), keeping a fixed number of keep-alive
// connections busy for a fixed time, while its resident memory is sampled: what an attacker on the internet can do.

import http from 'node:http';
import { residentBytes } from '../../soak/server-child';

/** One request of a flood: the path and the headers to send, from its index. */
export type FloodRequest = (index: number) => { path: string; headers: Record<string, string> };

/** What a flood measured. */
export interface FloodResult {
  sent: number;
  /** Requests that failed at the network level or answered with a status other than 2xx/3xx/404. */
  failed: number;
  /** The failed requests by status (0: a network error or a timeout), to say what went wrong. */
  failures: Record<number, number>;
  startRss: number;
  peakRss: number;
  endRss: number;
}

/** Options of flood(). */
export interface FloodOptions {
  origin: string;
  pid: number | undefined;
  seconds: number;
  /** Concurrent keep-alive connections. @default 32 */
  connections?: number;
  request: FloodRequest;
}

/**
 * Sends requests made by `request` over `connections` keep-alive connections for `seconds`, sampling the
 * server's RSS every 100 ms.
 */
export async function flood(options: FloodOptions): Promise<FloodResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections ?? 32 });
  const rss = (): number => residentBytes(options.pid) ?? 0;
  const result: FloodResult = { sent: 0, failed: 0, failures: {}, startRss: rss(), peakRss: 0, endRss: 0 };
  const sampler = setInterval(() => (result.peakRss = Math.max(result.peakRss, rss())), 100);
  const deadline = Date.now() + options.seconds * 1000;
  let next = 0;
  const connection = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const status = await send(agent, options.origin, options.request(next++));
      result.sent++;
      if (status === 0 || status >= 500 || (status >= 400 && status !== 404)) {
        result.failed++;
        result.failures[status] = (result.failures[status] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections ?? 32 }, connection));
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  result.endRss = rss();
  result.peakRss = Math.max(result.peakRss, result.endRss);
  return result;
}

/** One GET; resolves with its status, 0 on a network error. */
export function send(
  agent: http.Agent | undefined,
  origin: string,
  { path, headers }: ReturnType<FloodRequest>,
): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(`${origin}${path}`, { agent, headers, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

/** `123.4 MiB` */
export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
