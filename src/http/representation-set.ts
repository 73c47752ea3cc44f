// The representations of one cached response, one per content-coding, each with its own strong ETag
// (RFC 9110 §8.8.3.3); compressed copies are made on first demand, once however many requests ask at the same
// time, and kept with the identity one.

import { entityTagOf } from '../engine/validators';
import { compressBody, type CompressionCoding } from './body-compression';
import type { ContentCoding } from './content-coding';
import { Representation } from './representation';

/**
 * An identity representation and its gzip and brotli forms. Every form carries the identity's
 * Last-Modified, Cache-Control and Vary, so a 304 of any form carries the same fields as its 200.
 *
 * @example
 * const set = new RepresentationSet(identity, true, strongAfter);
 * sendRepresentation(ctx, await set.select('gzip', now), now);
 */
export class RepresentationSet {
  private readonly encoded: Partial<Record<CompressionCoding, Representation>> = {};
  private readonly encoding: Partial<Record<CompressionCoding, Promise<Representation>>> = {};
  private strong: boolean;

  /**
   * @param identity the uncompressed representation.
   * @param compressible whether codings are negotiated for it (its Vary then names Accept-Encoding).
   * @param strongAfter epoch ms from which its Last-Modified is a strong validator (RFC 9110 §8.8.2.2).
   */
  constructor(
    readonly identity: Representation,
    readonly compressible: boolean,
    private readonly strongAfter: number,
  ) {
    this.strong = identity.lastModifiedIsStrong;
  }

  /** The representation to send for `coding` at time `now`; concurrent callers share one compression. */
  async select(coding: ContentCoding, now: number): Promise<Representation> {
    if (!this.strong && now >= this.strongAfter) this.makeStrong();
    if (coding === 'identity' || !this.compressible) return this.identity;
    return this.encoded[coding] ?? (this.encoding[coding] ??= this.encode(coding));
  }

  /** Whether the form for `coding` exists already (selecting another one makes the set grow). */
  has(coding: ContentCoding): boolean {
    return coding === 'identity' || !this.compressible || this.encoded[coding] !== undefined;
  }

  /** Bytes held by every form made so far. */
  get bytes(): number {
    let total = this.identity.body.length;
    for (const form of Object.values(this.encoded)) if (form !== this.identity) total += form.body.length;
    return total;
  }

  private async encode(coding: CompressionCoding): Promise<Representation> {
    let body: Buffer;
    try {
      body = await compressBody(this.identity.body, coding);
    } finally {
      delete this.encoding[coding];
    }
    // A coding that does not shrink the body is not worth a second copy: that client gets identity.
    const form: Representation =
      body.length >= this.identity.body.length
        ? this.identity
        : { ...this.identity, body, etag: entityTagOf(body), contentEncoding: coding };
    this.encoded[coding] = form;
    return form;
  }

  // A Last-Modified computed within a second of a change becomes strong once that second has passed.
  private makeStrong(): void {
    this.strong = true;
    if (this.identity.lastModified === undefined) return;
    this.identity.lastModifiedIsStrong = true;
    for (const form of Object.values(this.encoded)) form.lastModifiedIsStrong = true;
  }
}
