// Test helper: sends a request-target exactly as written (clients would normalize `..` and `%2e`), on a connection
// of its own (no keep-alive agent), and collects the whole response.

import { type Agent, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The header lines as received, name and value alternating (repeated fields not joined). */
  rawHeaders: string[];
  body: Buffer;
}

/** Sends `method target` verbatim to a listening server, with `headers` only. */
export function rawRequest(
  server: Server,
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return rawRequestToPort((server.address() as AddressInfo).port, target, headers, method);
}

/** Sends `method target` verbatim to whatever listens on 127.0.0.1:`port` (another process: nginx, a mirror). */
export function rawRequestToPort(
  port: number,
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: target, method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** GETs `target` verbatim from a listening server. */
export function rawGet(
  server: Server,
  target: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return rawRequest(server, target, headers, 'GET');
}

/** A response with its body read as text. */
export interface TextResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * GETs `url` with `headers` (Host among them, which fetch would not send) through `agent` (default: a connection
 * of its own), failing after `timeoutMs` without an answer.
 */
export function textGet(
  url: string,
  headers: Record<string, string> = {},
  { agent = false, timeoutMs = 10_000 }: { agent?: Agent | false; timeoutMs?: number } = {},
): Promise<TextResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end();
  });
}
