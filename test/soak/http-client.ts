// One GET over a keep-alive loopback agent, with the times it was sent and fully answered. node:http, not fetch:
// fetch adds `Cache-Control: no-cache` to conditional requests.

import http from 'node:http';

/** A response, its body whole, and when the request began and the response ended (performance.now()). */
export interface TimedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  start: number;
  end: number;
}

/**
 * GETs `origin + path` with `headers`; rejects on a network error or after `timeoutMs`.
 *
 * @example
 * const response = await get(agent, 'http://127.0.0.1:8080', '/p0.shtml', { 'if-none-match': etag });
 */
export function get(
  agent: http.Agent,
  origin: string,
  path: string,
  headers: Record<string, string>,
  timeoutMs = 10_000,
): Promise<TimedResponse> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const request = http.get(`${origin}${path}`, { agent, headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
          start,
          end: performance.now(),
        }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
