// A bare node:http client for the big-files scenario: counts a body's bytes and discards them, so the test
// process never holds the multi-gigabyte bodies it checks.

import { request } from 'node:http';

/** What one request got: status, headers, and the number of body bytes (the bytes are dropped). */
export interface CountedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  /** The body when it is small (≤ 64 bytes), for checking a range's content. */
  small: Buffer;
  milliseconds: number;
}

/**
 * Sends one request and counts the body.
 *
 * @example
 * const { status, bytes } = await countedRequest('http://127.0.0.1:8080/huge.bin', 'GET', {});
 */
export function countedRequest(
  url: string,
  method: 'GET' | 'HEAD',
  headers: Record<string, string>,
): Promise<CountedResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let bytes = 0;
      const kept: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= 64) kept.push(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes,
          small: Buffer.concat(kept),
          milliseconds: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
