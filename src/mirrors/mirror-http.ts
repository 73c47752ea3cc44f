// The prober's one HTTP exchange: a GET with a deadline and a cap on the body, whose bytes are hashed as they
// arrive. The port type, so tests can fake a mirror, and its node:http/node:https adapter.

import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One GET the prober sends to a mirror. */
export interface MirrorRequest {
  url: URL;
  /** Request header fields, lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** The whole exchange, body included, must end within this many milliseconds. */
  timeoutMs: number;
  /** A longer body fails the request (`body longer than N bytes`), so no answer grows memory past a bound. */
  maxBytes: number;
  /** Keep the body's bytes (the manifest) rather than only its length and digest (a spot-checked file). */
  keepBody: boolean;
  /** Aborts the request (the prober stopping). */
  signal: AbortSignal;
}

/** What came back: the status, the fields the prober reads, and the body's length and SHA-256. */
export interface MirrorResponse {
  status: number;
  /** Lower-case names; only single-valued fields the prober reads (etag, last-modified, repr-digest, digest). */
  headers: Readonly<Record<string, string | undefined>>;
  length: number;
  /** Standard base64 of the SHA-256 of the body. */
  sha256: string;
  /** The body, when the request asked to keep it. */
  body: Buffer | undefined;
}

/** Sends one GET to a mirror; rejects on a connection failure, the deadline, or a body over the cap. */
export type MirrorHttpGet = (request: MirrorRequest) => Promise<MirrorResponse>;

/**
 * The MirrorHttpGet of node:http and node:https.
 * @example await nodeMirrorGet({ url: new URL('http://127.0.0.2:8081/a.html'), headers: {}, timeoutMs: 5000, maxBytes: 1e6, keepBody: false, signal })
 */
export const nodeMirrorGet: MirrorHttpGet = (request) =>
  new Promise((resolve, reject) => {
    const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(request.url, { method: 'GET', headers: request.headers, signal: request.signal });
    const deadline = setTimeout(
      () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    const settle =
      <T>(finish: (value: T) => void) =>
      (value: T) => {
        clearTimeout(deadline);
        finish(value);
      };
    req.once('error', settle(reject));
    req.once('response', (res) =>
      readBody(res, request, () => req.destroy()).then(settle(resolve), settle(reject)),
    );
    req.end();
  });

/** Reads, hashes and (when asked) keeps `res`'s body, failing once it passes `maxBytes`. */
function readBody(res: IncomingMessage, request: MirrorRequest, abort: () => void): Promise<MirrorResponse> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let length = 0;
    res.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > request.maxBytes) {
        abort();
        reject(new Error(`body longer than ${request.maxBytes} bytes`));
        return;
      }
      hash.update(chunk);
      if (request.keepBody) chunks.push(chunk);
    });
    res.once('error', reject);
    // A connection cut mid-body (or the deadline) closes the response without an end: a failure, not a short body.
    res.once('close', () => {
      if (!res.complete) reject(new Error('connection closed before the body ended'));
    });
    res.once('end', () =>
      resolve({
        status: res.statusCode ?? 0,
        headers: {
          etag: single(res.headers.etag),
          'last-modified': single(res.headers['last-modified']),
          'repr-digest': single(res.headers['repr-digest']),
          digest: single(res.headers.digest),
        },
        length,
        sha256: hash.digest('base64'),
        body: request.keepBody ? Buffer.concat(chunks) : undefined,
      }),
    );
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
