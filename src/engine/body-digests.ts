// The digests of a body held in memory, for the integrity fields: the default algorithm's computed once when the
// body's representation is built, any other on first demand and then kept with it. Never per request.

import { createHash } from 'node:crypto';
import { DEFAULT_DIGEST_ALGORITHM, type DigestAlgorithm, digestFieldValue } from '../fields/integrity-fields';

/** Node's name of each digest algorithm. */
const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

/** The digest of `bytes` under `algorithm`. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm): Buffer {
  return createHash(NODE_HASH[algorithm]).update(bytes).digest();
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
    return new BodyDigests((algorithm) => digestFieldValue(algorithm, digestOf(body, algorithm)));
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
