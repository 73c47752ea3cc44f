// Compares Apache's response with ours (status, Content-Type, body bytes) and words the first difference as one line.
// Pure: no I/O.

import { type Observed } from './http-get';

/** How many bytes of each body a difference line shows, starting a little before the first differing byte. */
const CONTEXT_BYTES = 40;
const CONTEXT_BEFORE = 10;

/**
 * The first difference between the two responses as one line (status, then Content-Type, then body), or
 * undefined when they agree byte for byte.
 *
 * @example
 * describeDifference('/smoke/echo.shtml', apache, ours);
 * // '/smoke/echo.shtml: body differs at byte 12: apache "…echo.shtml\n" ours "…echo.shtm\n"'
 */
export function describeDifference(name: string, apache: Observed, ours: Observed): string | undefined {
  if (apache.status !== ours.status) {
    return `${name}: status differs: apache ${apache.status} ours ${ours.status}`;
  }
  if (apache.contentType !== ours.contentType) {
    return `${name}: Content-Type differs: apache ${quote(apache.contentType)} ours ${quote(ours.contentType)}`;
  }
  const offset = firstDifference(apache.body, ours.body);
  if (offset === undefined) return undefined;
  const start = Math.max(0, offset - CONTEXT_BEFORE);
  return (
    `${name}: body differs at byte ${offset} (lengths ${apache.body.length}/${ours.body.length}): ` +
    `apache ${excerpt(apache.body, start)} ours ${excerpt(ours.body, start)}`
  );
}

/** The offset of the first byte where the buffers differ (a shorter one differs at its end), or undefined. */
export function firstDifference(a: Buffer, b: Buffer): number | undefined {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return index;
  return a.length === b.length ? undefined : length;
}

/** CONTEXT_BYTES bytes from `start`, quoted, with `…` where the excerpt does not reach an end of the body. */
function excerpt(body: Buffer, start: number): string {
  const end = Math.min(body.length, start + CONTEXT_BYTES);
  const text = escapeBytes(body.subarray(start, end));
  return `${start > 0 ? '…' : ''}"${text}"${end < body.length ? '…' : ''}`;
}

/** Printable ASCII as is (backslash and quote escaped); \n \r \t; every other byte as \xNN. */
export function escapeBytes(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0x5c) text += '\\\\';
    else if (byte === 0x22) text += '\\"';
    else if (byte === 0x0a) text += '\\n';
    else if (byte === 0x0d) text += '\\r';
    else if (byte === 0x09) text += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return text;
}

function quote(value: string | undefined): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
