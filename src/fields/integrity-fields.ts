// The integrity fields of RFC 9530 (Repr-Digest, Content-Digest and their Want- preferences) and of the draft
// Unencoded-Digest: Structured Field dictionaries (RFC 9651) from a hash algorithm to a byte sequence, read by the
// structured-headers library; the one shape we write is written out (see digestFieldValue). Pure: no I/O.

import type * as StructuredHeaders from 'structured-headers';

let structuredHeaders: typeof StructuredHeaders | undefined;

/**
 * The library's dictionary parser, loaded on first use: only a request's Want- fields and a mirror's answer are
 * parsed, and loading it was 7 ms of every CLI start here, build included.
 */
function parseDictionary(value: string): StructuredHeaders.Dictionary {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() in a function is a lazy load
  structuredHeaders ??= require('structured-headers') as typeof StructuredHeaders;
  return structuredHeaders.parseDictionary(value);
}

/** The hash algorithms served, from the IANA Hash Algorithms for HTTP Digest Fields registry (RFC 9530 §5). */
export const DIGEST_ALGORITHMS = ['sha-256', 'sha-512'] as const;

/** A hash algorithm of the digest fields. */
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** The digest sent when a request states no preference (RFC 9530 leaves the choice to the server). */
export const DEFAULT_DIGEST_ALGORITHM: DigestAlgorithm = 'sha-256';

/**
 * A digest field's value for one algorithm: `sha-256=:<base64>:`.
 * @example digestFieldValue('sha-256', createHash('sha256').update('').digest()) // 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:'
 */
export function digestFieldValue(algorithm: DigestAlgorithm, digest: Uint8Array): string {
  // RFC 9651 §4.1.2, §4.1.8: a one-member dictionary whose key is a served algorithm (an sf-key already) and whose
  // value is a byte sequence without parameters serializes as key=:base64:. Written out, not built as a Map for the
  // library's serializer: every response rendered makes one, and the serializer cost as much as the hash.
  return `${algorithm}=:${Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64')}:`;
}

/**
 * The digest bytes for `algorithm` in a digest field's value, or undefined when the field has none (or is no valid
 * dictionary).
 * @example digestFromField('sha-256=:AQID:', 'sha-256') // Uint8Array [1, 2, 3]
 */
export function digestFromField(value: string, algorithm: DigestAlgorithm): Uint8Array | undefined {
  try {
    const member = parseDictionary(value).get(algorithm)?.[0];
    return member instanceof ArrayBuffer ? new Uint8Array(member) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An RFC 3230 instance digest (`Digest: SHA-256=<base64>`, RFC 3230 §4.3.2, with the algorithm token of RFC 5843), which
 * RFC 6249 (Metalink/HTTP) clients such as aria2 read; RFC 9530 obsoletes it, so only mirror answers carry it.
 * @example instanceDigestValue(createHash('sha256').update('').digest()) // 'SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
 */
export function instanceDigestValue(sha256: Uint8Array): string {
  return `SHA-256=${Buffer.from(sha256).toString('base64')}`;
}

/**
 * The algorithm a Want-Repr-Digest or Want-Content-Digest field prefers (RFC 9530 §4): the supported one with the
 * highest preference from 1 to 10 (0 is "not acceptable"), the default on a tie. Undefined when the field is absent,
 * is no valid dictionary, or names no algorithm served: the server then sends its default, never an error.
 * @example preferredDigestAlgorithm('sha-512=3, sha-256=10, unixsum=10') // 'sha-256'
 */
export function preferredDigestAlgorithm(value: string | undefined): DigestAlgorithm | undefined {
  if (value === undefined) return undefined;
  let wishes;
  try {
    wishes = parseDictionary(value);
  } catch {
    return undefined;
  }
  let best: { algorithm: DigestAlgorithm; preference: number } | undefined;
  for (const algorithm of DIGEST_ALGORITHMS) {
    const preference = wishes.get(algorithm)?.[0];
    if (typeof preference !== 'number' || !Number.isInteger(preference) || preference < 1 || preference > 10)
      continue;
    if (best === undefined || preference > best.preference) best = { algorithm, preference };
  }
  return best?.algorithm;
}
