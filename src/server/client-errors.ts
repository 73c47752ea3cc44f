// Requests Node's HTTP parser refuses before any middleware sees them (a malformed request line or header, a
// header section too large, a request too slow to arrive): answered with Node's own status and logged, so the
// access log shows every request a client made, as Apache's does.

import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AccessLogRecord } from './access-log';

/** Options of clientErrorListener. */
export interface ClientErrorOptions {
  /** The response under way on `socket`, if any: the refused request is answered once it has ended. */
  responseOn: (socket: Duplex) => ServerResponse | undefined;
  /** Receives the record of each refused request answered. @default none: not logged */
  log?: (record: AccessLogRecord) => void;
}

/**
 * The status Node itself answers a refused request with (its default 'clientError' handling): 431 for a header
 * section over the size limit, 413 for oversized chunk extensions, 408 when the headers or the whole request came
 * too slowly, 400 for anything malformed.
 */
export function refusedRequestStatus(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

/**
 * A listener for the server's 'clientError' event: answers as Node would, then logs the request with no request
 * line (Apache's `"-"`). A request refused behind one being answered on the same connection (pipelined) waits for
 * that response to end, so the good one is not lost. A connection reset or already closed gets no answer and no
 * line: no request came.
 * @example server.on('clientError', clientErrorListener({ responseOn: () => undefined, log: console.log }));
 */
export function clientErrorListener(
  options: ClientErrorOptions,
): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  const answer = (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const pending = options.responseOn(socket);
    if (pending) return void pending.once('close', () => answer(err, socket));
    const status = refusedRequestStatus(err.code);
    const body = `${status} ${STATUS_CODES[status]}\n`;
    // RFC 9112 §9.6: the connection closes after this answer; what the client sent next cannot be trusted.
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${body.length}\r\nCache-Control: no-store\r\n\r\n${body}`,
    );
    options.log?.(refusedRecord(socket as Duplex & { remoteAddress?: string }, status, body.length));
  };
  return answer;
}

/** The record of a refused request: the peer is the client (no header was trusted), no request line, no timing. */
function refusedRecord(socket: { remoteAddress?: string }, status: number, bytes: number): AccessLogRecord {
  const peer = socket.remoteAddress ?? '-';
  return {
    time: Date.now(),
    client: peer,
    peer,
    method: undefined,
    target: undefined,
    protocol: undefined,
    status,
    bytes,
    referer: undefined,
    userAgent: undefined,
    etag: undefined,
    durationMs: undefined,
    renderMs: undefined,
    cache: undefined,
    completed: true,
  };
}
