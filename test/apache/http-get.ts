// Sends one GET with node:http (never fetch, which adds headers of its own) and collects the whole response.

import { request } from 'node:http';

/** What the comparison looks at in a response. */
export interface Observed {
  status: number;
  /** The Content-Type header exactly as sent, or undefined when absent. */
  contentType: string | undefined;
  body: Buffer;
}

/** Headers sent to both servers unless a case overrides them; Host is fixed so HTTP_HOST and SERVER_NAME agree. */
export const BASE_HEADERS: Record<string, string> = { Host: 'localhost' };

/** How long one request may take. */
const REQUEST_TIMEOUT_MS = 10000;

/** GETs `path` (path and query, sent as is) from 127.0.0.1:port with exactly BASE_HEADERS plus `headers`. */
export function httpGet(port: number, path: string, headers: Record<string, string>): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'GET',
        headers: withBaseHeaders(headers),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const contentType = res.headers['content-type'];
          resolve({ status: res.statusCode ?? 0, contentType, body: Buffer.concat(chunks) });
        });
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

/** BASE_HEADERS, each unless the case sets a header of the same name (in any case), then the case's headers. */
function withBaseHeaders(headers: Record<string, string>): Record<string, string> {
  const names = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  const base = Object.entries(BASE_HEADERS).filter(([name]) => !names.has(name.toLowerCase()));
  return { ...Object.fromEntries(base), ...headers };
}
