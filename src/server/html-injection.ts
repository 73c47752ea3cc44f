// Markup put into HTML responses in a development mode (the live-reload client): where it goes in the bytes, and
// what the response then says about caching. Pure: no I/O.

import type { CachingFields } from './caching-fields';

/**
 * `body` with `markup` inserted before its last `</body>` end tag (any case, as HTML tag names are), or at the end
 * when it has none; every other byte is kept as it is, whatever the page's charset. An end tag is `</body` followed
 * by `>`, `/` or white space (HTML Living Standard §13.2.5.8, tag name state).
 *
 * @example
 * injectIntoHtml(Buffer.from('<p>hi</p></BODY>'), Buffer.from('<script></script>')).toString()
 * // '<p>hi</p><script></script></BODY>'
 */
export function injectIntoHtml(body: Buffer, markup: Buffer): Buffer {
  const at = lastBodyEndTag(body);
  if (at === -1) return Buffer.concat([body, markup]);
  return Buffer.concat([body.subarray(0, at), markup, body.subarray(at)]);
}

/** Whether a Content-Type names HTML (`text/html`, with or without parameters): the only type markup goes into. */
export function isHtmlType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(';', 1)[0].trim().toLowerCase() === 'text/html';
}

/**
 * The caching fields of a response with injected markup: a development mode's bytes, which no cache may keep
 * (`no-store`, RFC 9111 §5.2.2.5) and no CDN take orders for (no Surrogate-Control or CDN-Cache-Control, no purge
 * tags). Last-Modified and Vary stay: they still describe the files and the request headers read.
 */
export function injectedFields(fields: CachingFields): CachingFields {
  return Object.freeze({ ...fields, cacheControl: 'no-store', cdnHeaders: undefined });
}

// Bytes are read as latin1, one char per byte, so a string index is a byte index and no charset is assumed.
const BODY_END_TAG = /<\/body[\t\n\f\r />]/gi;

function lastBodyEndTag(body: Buffer): number {
  let last = -1;
  for (const match of body.toString('latin1').matchAll(BODY_END_TAG)) last = match.index;
  return last;
}
