// The representations of one cached response, one per content-coding, each with its own strong ETag
// (RFC 9110 §8.8.3.3); compressed copies are made on first demand and kept with the identity one.

import { entityTagOf } from '../engine/validators';
import { stringBytes } from '../ssi/string-bytes';
import { ContentCoding, encodeBody } from './content-coding';
import { Representation } from './representation';

/**
 * An identity representation and its gzip and brotli forms. Every form carries the identity's
 * Last-Modified, Cache-Control and Vary, so a 304 of any form carries the same fields as its 200.
 *
 * @example
 * const set = new RepresentationSet(identity, true, strongAfter);
 * sendRepresentation(ctx, set.select('gzip', now), now);
 */
export class RepresentationSet {
  private readonly encoded: Partial<Record<'br' | 'gzip', Representation>> = {};
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

  /** The representation to send for `coding` at time `now`. */
  select(coding: ContentCoding, now: number): Representation {
    if (!this.strong && now >= this.strongAfter) this.makeStrong();
    if (coding === 'identity' || !this.compressible) return this.identity;
    return this.encoded[coding] ?? this.encode(coding);
  }

  /** Whether the form for `coding` exists already (selecting another one makes the set grow). */
  has(coding: ContentCoding): boolean {
    return coding === 'identity' || !this.compressible || this.encoded[coding] !== undefined;
  }

  /** Bytes held by every form made so far: bodies, header strings and the objects around them. */
  get bytes(): number {
    let total = SET_OVERHEAD + formBytes(this.identity) + fieldBytes(this.identity);
    for (const form of Object.values(this.encoded)) if (form !== this.identity) total += formBytes(form);
    return total;
  }

  private encode(coding: 'br' | 'gzip'): Representation {
    const body = encodeBody(this.identity.body, coding);
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

// The set, its table of forms, and per form the Representation object and the Buffer object around its body.
const SET_OVERHEAD = 96;
const FORM_OVERHEAD = 224;

/** What a form holds of its own: the body and the ETag (an encoded form shares the identity's other fields). */
function formBytes(form: Representation): number {
  return FORM_OVERHEAD + form.body.length + stringBytes(form.etag);
}

/** The header strings every form shares with the identity: Content-Type, Cache-Control, Vary, the CDN fields. */
function fieldBytes(form: Representation): number {
  let total = stringBytes(form.cacheControl);
  if (form.contentType !== undefined) total += stringBytes(form.contentType);
  if (form.vary !== undefined) total += stringBytes(form.vary);
  for (const [name, value] of form.cdnHeaders ?? []) total += 32 + stringBytes(name) + stringBytes(value);
  return total;
}
