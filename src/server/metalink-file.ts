// `PATH.meta4`: a Metalink 4 description (RFC 5854) of what PATH serves — its name, size, SHA-256 and the URLs it
// can be fetched from — so a Metalink client (aria2: `aria2c -M x.meta4`) downloads it and verifies the result.
// Pure: the middleware finds the representation of PATH and sends the one made here.

import { derivedRepresentation, sha256Hex } from './checksum-file';
import { escapeMarkup } from './markup-escape';
import type { Representation } from './representation';

/** The media type of a Metalink 4 document (RFC 5854 §7). */
export const METALINK_TYPE = 'application/metalink4+xml';

/** Where a Metalink client may fetch the file: an absolute URL, its priority (1 is tried first), its country. */
export interface MetalinkUrl {
  url: string;
  /** RFC 5854 §4.2.16: 1 to 999999, lower first. */
  priority: number;
  /** ISO 3166-1 alpha-2 country code of the server (RFC 5854 §4.2.16.1). */
  location?: string;
}

/**
 * The Metalink 4 file of `subject` (its identity representation), saved as `name` and fetched from `urls` (the
 * origin's own first until mirrors are known): `<file name>` with `<size>`, `<hash type="sha-256">` and one
 * `<url>` each. Dated and cached as its subject is.
 */
export function metalinkRepresentation(
  subject: Representation,
  name: string,
  urls: readonly MetalinkUrl[],
): Representation {
  const size = subject.streamed?.length ?? subject.body.length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<metalink xmlns="urn:ietf:params:xml:ns:metalink">',
    `  <file name="${escapeMarkup(name)}">`,
    `    <size>${size}</size>`,
    `    <hash type="sha-256">${sha256Hex(subject)}</hash>`,
    ...urls.map(
      ({ url, priority, location }) =>
        `    <url priority="${priority}"${location ? ` location="${escapeMarkup(location)}"` : ''}>${escapeMarkup(url)}</url>`,
    ),
    '  </file>',
    '</metalink>',
    '',
  ];
  return derivedRepresentation(subject, Buffer.from(lines.join('\n'), 'utf8'), METALINK_TYPE);
}
