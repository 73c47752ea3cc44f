// The representations of one cached response, one per content-coding, each with its own strong ETag
// (RFC 9110 §8.8.3.3); compressed copies are made on first demand, once however many requests ask at the same
// time, and kept with the identity one.

import { bodyHashes } from '../engine/body-digests';
import { stringBytes } from '../ssi/string-bytes';
import { compressBody, type CompressionCoding } from './body-compression';
import type { ContentCoding } from './content-coding';
import { type Representation } from './representation';

/**
 * An identity representation and its gzip and brotli forms. Every form carries the identity's
 * Last-Modified, Cache-Control and Vary, so a 304 of any form carries the same fields as its 200. The forms are
 * frozen and the set only ever adds forms: a set in the render cache is never changed, only replaced (redated).
 *
 * @example
 * const set = new RepresentationSet(identity, fields.compressible);
 * sendRepresentation(ctx, await set.select('gzip'), now);
 */
export class RepresentationSet {
  private readonly encoded: Partial<Record<CompressionCoding, Representation>> = {};
  private readonly encoding: Partial<Record<CompressionCoding, Promise<Representation>>> = {};

  /**
   * @param identity the uncompressed representation.
   * @param compressible whether codings are negotiated for it (its Vary then names Accept-Encoding).
   */
  constructor(
    readonly identity: Representation,
    readonly compressible: boolean,
  ) {}

  /** The representation to send for `coding`; concurrent callers share one compression. */
  async select(coding: ContentCoding): Promise<Representation> {
    if (coding === 'identity' || !this.compressible) return this.identity;
    return this.encoded[coding] ?? (this.encoding[coding] ??= this.encode(coding));
  }

  /** The representation for `coding` when it is made already, without waiting (a warm response's); else undefined. */
  selected(coding: ContentCoding): Representation | undefined {
    if (coding === 'identity' || !this.compressible) return this.identity;
    return this.encoded[coding];
  }

  /** Whether the form for `coding` exists already (selecting another one makes the set grow). */
  has(coding: ContentCoding): boolean {
    return coding === 'identity' || !this.compressible || this.encoded[coding] !== undefined;
  }

  /** Bytes held by every form made so far: bodies, header strings and the objects around them. */
  get bytes(): number {
    let total = SET_OVERHEAD + formBytes(this.identity, IDENTITY_FORM_OVERHEAD) + fieldBytes(this.identity);
    for (const form of Object.values(this.encoded))
      if (form !== this.identity) total += formBytes(form, ENCODED_FORM_OVERHEAD);
    return total;
  }

  /**
   * A new set that sends `lastModified` in every form, as the date that proves the bytes (a promoted ledger entry),
   * with the forms compressed so far; it stays weak for If-Range, as a first contact's date was. This set is left
   * as it is.
   */
  redated(lastModified: number): RepresentationSet {
    const redate = (form: Representation): Representation =>
      Object.freeze({ ...form, lastModified, notModifiedSince: lastModified });
    const set = new RepresentationSet(redate(this.identity), this.compressible);
    for (const coding of CODINGS) {
      const form = this.encoded[coding];
      if (form !== undefined) set.encoded[coding] = form === this.identity ? set.identity : redate(form);
    }
    return set;
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
        : Object.freeze({
            ...this.identity,
            body,
            ...bodyHashes(body),
            contentEncoding: coding,
            unencodedDigest: this.identity.digests.field(),
          });
    this.encoded[coding] = form;
    return form;
  }
}

const CODINGS: readonly CompressionCoding[] = ['br', 'gzip'];

// Measured with a full render cache (README "Render cache"): the set and its table of forms; per form the
// Representation object and the Buffer and ArrayBuffer around its body; an encoded form also copies every field of
// the identity into an object of its own and keeps zlib's exactly-sized output.
const SET_OVERHEAD = 96;
const IDENTITY_FORM_OVERHEAD = 320;
const ENCODED_FORM_OVERHEAD = 672;
// A form's BodyDigests: the object, its Map and the closure that makes a digest on demand.
const DIGESTS_OVERHEAD = 256;

/**
 * What a form holds of its own: the body, the ETag and the digests (an encoded form shares the identity's other
 * fields; its Unencoded-Digest is the identity's string).
 */
function formBytes(form: Representation, overhead: number): number {
  return (
    overhead +
    bodyBytes(form.body) +
    stringBytes(form.etag ?? '') +
    DIGESTS_OVERHEAD +
    stringBytes(form.digests.field())
  );
}

/**
 * The memory a body keeps alive: its length, or its whole ArrayBuffer when that is an allocation of its own
 * (larger than Node's pool slabs), e.g. a page whose output is one slice of a larger fragment.
 */
function bodyBytes(body: Buffer): number {
  const whole = body.buffer.byteLength;
  return whole > Buffer.poolSize ? Math.max(whole, body.length) : body.length;
}

/** The header strings every form shares with the identity: Content-Type, Cache-Control, Vary, the CDN fields. */
function fieldBytes(form: Representation): number {
  let total = stringBytes(form.cacheControl);
  if (form.contentType !== undefined) total += stringBytes(form.contentType);
  if (form.vary !== undefined) total += stringBytes(form.vary);
  for (const [name, value] of form.cdnHeaders ?? []) total += 32 + stringBytes(name) + stringBytes(value);
  return total;
}
