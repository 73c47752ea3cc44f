// A ServerResponse that counts the body bytes handed to it, for the access log's `%b`: given to http.createServer,
// so every response of the server counts from the start, without a per-request wrapper of write and end (one made
// each response object a shape of its own, which slowed every call into it).

import { type IncomingMessage, ServerResponse } from 'node:http';

/** A response whose `bodyBytes` is what write and end were given (the header excluded; none for HEAD or 304). */
export class CountedResponse<
  Request extends IncomingMessage = IncomingMessage,
> extends ServerResponse<Request> {
  bodyBytes = 0;

  // Node's write and end take (chunk, encoding, callback) with any trailing ones left out; passing them on as
  // undefined means the same.
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    this.bodyBytes += byteLengthOf(chunk, encoding);
    return Reflect.apply(super.write, this, [chunk, encoding, callback]) as boolean;
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    this.bodyBytes += byteLengthOf(chunk, encoding);
    return Reflect.apply(super.end, this, [chunk, encoding, callback]) as this;
  }
}

/** The bytes of a chunk given to write or end: none for a callback in its place or no chunk. */
export function byteLengthOf(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string')
    return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}
