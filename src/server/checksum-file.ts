// `PATH.sha256`: the SHA-256 of what PATH serves, in sha256sum's format (`<hex>  <name>`), so `sha256sum -c` checks
// a download made from the origin or from any mirror (derived-files.ts says when it is answered). Pure.

import { bodyHashes } from '../engine/body-digests';
import { digestFromField } from '../fields/integrity-fields';
import type { Representation } from './representation';

/**
 * The checksum file of `subject` (its identity representation), named `name` (the last segment of the URL path, as
 * a client saves the download): one line `<sha-256 hex>  <name>`. It is dated and cached as its subject is, with an
 * ETag and digests of its own bytes.
 */
export function checksumRepresentation(subject: Representation, name: string): Representation {
  const body = Buffer.from(`${sha256Hex(subject)}  ${name}\n`, 'utf8');
  return derivedRepresentation(subject, body, 'text/plain; charset=utf-8');
}

/** The SHA-256 of a representation's bytes, in hex. */
export function sha256Hex(representation: Representation): string {
  const digest = digestFromField(representation.digests.field('sha-256'), 'sha-256') ?? new Uint8Array();
  return Buffer.from(digest).toString('hex');
}

/**
 * A file made from `subject`: its bytes `body` of type `contentType`, dated and cached as the subject is, with an
 * ETag and digests of its own bytes, never compressed.
 */
export function derivedRepresentation(
  subject: Representation,
  body: Buffer,
  contentType: string,
): Representation {
  return Object.freeze({
    ...subject,
    body,
    streamed: undefined,
    contentType,
    contentEncoding: undefined,
    ...bodyHashes(body),
    unencodedDigest: undefined,
  });
}
