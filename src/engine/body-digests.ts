// The digests of a body held in memory, for the integrity fields: the default algorithm's computed once when the
// body's representation is built, any other on first demand and then kept with it. Never per request.

import { createHash, hash } from 'node:crypto';
import { DEFAULT_DIGEST_ALGORITHM, type DigestAlgorithm, digestFieldValue } from '../fields/integrity-fields';
import { entityTagOfDigest } from './validators';

/** Node's name of each digest algorithm. */
const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

/** The digest of `bytes` under `algorithm`. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm): Buffer {
  // One call rather than a Hash object: half the time for the small bodies most pages and fragments are.
  return hash(NODE_HASH[algorithm], bytes, 'buffer');
}

/** A running digest of bytes given in pieces (a file read in chunks). */
export function digestStream(algorithm: DigestAlgorithm) {
  return createHash(NODE_HASH[algorithm]);
}

/**
 * The digest field values (`sha-256=:…:`) of one sequence of bytes, by algorithm. The default's is given or made at
 * construction; the others are made on first demand and kept (a Map, so a frozen holder can still keep them).
 */
export class BodyDigests {
  private readonly fields = new Map<DigestAlgorithm, string>();

  /**
   * @param compute makes the field value for an algorithm not known yet.
   * @param known field values already computed (a file's, hashed in the read that made its ETag).
   */
  constructor(
    private readonly compute: (algorithm: DigestAlgorithm) => string,
    known: Partial<Record<DigestAlgorithm, string>> = {},
  ) {
    for (const [algorithm, field] of Object.entries(known))
      this.fields.set(algorithm as DigestAlgorithm, field);
    if (!this.fields.has(DEFAULT_DIGEST_ALGORITHM))
      this.fields.set(DEFAULT_DIGEST_ALGORITHM, compute(DEFAULT_DIGEST_ALGORITHM));
  }

  /** The digests of `body`, held in memory. */
  static of(body: Uint8Array): BodyDigests {
    return new BodyDigests(digestsOf(body));
  }

  /** The field value for `algorithm` (the default when none is given). */
  field(algorithm: DigestAlgorithm = DEFAULT_DIGEST_ALGORITHM): string {
    let value = this.fields.get(algorithm);
    if (value === undefined) {
      value = this.compute(algorithm);
      this.fields.set(algorithm, value);
    }
    return value;
  }
}

/** What names a body held in memory: its strong ETag and its digests. */
export interface BodyHashes {
  etag: string;
  digests: BodyDigests;
}

/**
 * The ETag and the digests of `body` from one SHA-256 pass: the ETag is made from the SHA-256 that Repr-Digest
 * sends (see entityTagOfDigest), so a rendered page is hashed once, not once per field.
 *
 * @example const { etag, digests } = bodyHashes(body); digests.field() // 'sha-256=:…:'
 */
export function bodyHashes(body: Uint8Array): BodyHashes {
  const sha256 = digestOf(body, 'sha-256');
  const known = { 'sha-256': digestFieldValue('sha-256', sha256) };
  return { etag: entityTagOfDigest(body.length, sha256), digests: new BodyDigests(digestsOf(body), known) };
}

function digestsOf(body: Uint8Array): (algorithm: DigestAlgorithm) => string {
  return (algorithm) => digestFieldValue(algorithm, digestOf(body, algorithm));
}
