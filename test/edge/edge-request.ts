// One request (GET, or a BAN for a purge) through an edge with node:http (never fetch, which adds Cache-Control: no-cache to conditionals).

import { request } from 'node:http';

/** A response as the client of the edge saw it. */
export interface EdgeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const REQUEST_TIMEOUT_MS = 10000;

/** GETs `path` from 127.0.0.1:port with exactly `headers`, on a fresh connection. */
export function edgeGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<EdgeResponse> {
  return edgeRequest(port, 'GET', path, headers);
}

/** Sends `method` (GET, BAN, …) for `path` to 127.0.0.1:port with exactly `headers`, on a fresh connection. */
export function edgeRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}
