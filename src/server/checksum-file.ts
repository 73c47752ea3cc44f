// `PATH.sha256`: the SHA-256 of what PATH serves, in sha256sum's format (`<hex>  <name>`), so `sha256sum -c` checks
// a download made from the origin or from any mirror. Answered only where no real file of that name exists. Pure:
// the middleware finds the representation of PATH and sends the one made here.

import { BodyDigests } from '../engine/body-digests';
import { entityTagOf } from '../engine/validators';
import { digestFromField } from '../fields/integrity-fields';
import type { Representation } from './representation';

/** What a request-target names a checksum of by ending its path with. */
export const CHECKSUM_SUFFIX = '.sha256';

/**
 * The request-target of the resource a checksum request names (its query dropped: the checksum is of the
 * resource), or undefined when `target` names no checksum.
 * @example checksumSubjectOf('/files/x.iso.sha256?v=2') // '/files/x.iso'
 */
export function checksumSubjectOf(target: string): string | undefined {
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  if (!path.endsWith(CHECKSUM_SUFFIX)) return undefined;
  const subject = path.slice(0, -CHECKSUM_SUFFIX.length);
  // `/x/.sha256` names no file; a subject that ends in a slash is a folder.
  return subject === '' || subject.endsWith('/') ? undefined : subject;
}

/**
 * The checksum file of `subject` (its identity representation), named `name` (the last segment of the URL path, as
 * a client saves the download): one line `<sha-256 hex>  <name>`. It is dated and cached as its subject is, with an
 * ETag and digests of its own bytes.
 */
export function checksumRepresentation(subject: Representation, name: string): Representation {
  const digest = digestFromField(subject.digests.field('sha-256'), 'sha-256') ?? new Uint8Array();
  const hex = Buffer.from(digest).toString('hex');
  const body = Buffer.from(`${hex}  ${name}\n`, 'utf8');
  return Object.freeze({
    ...subject,
    body,
    streamed: undefined,
    contentType: 'text/plain; charset=utf-8',
    contentEncoding: undefined,
    etag: entityTagOf(body),
    digests: BodyDigests.of(body),
    unencodedDigest: undefined,
  });
}

/**
 * The name sha256sum lists: the last segment of the subject's URL path, percent-decoded where that gives a name one
 * line can hold (sha256sum escapes a name with a backslash or line break; such a name stays percent-encoded).
 */
export function checksumNameOf(subject: string): string {
  const segment = subject.slice(subject.lastIndexOf('/') + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return segment;
  }
  return /[\\\r\n]/.test(decoded) ? segment : decoded;
}
