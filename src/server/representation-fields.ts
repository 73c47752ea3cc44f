// The header fields a representation sends, made once per representation: the render cache sends one many times.
// Both ways of sending (through Koa's response, or written straight to Node's, see direct-response.ts) use these.

import { formatHttpDate } from '../fields/http-date';
import { formattedPerSecond } from '../fields/per-second';

/** What the fields are made of (representation.ts's Representation has it all). */
export interface FieldedRepresentation {
  readonly etag: string | undefined;
  /** Epoch ms, whole second. */
  readonly lastModified: number | undefined;
  readonly cacheControl: string;
  readonly vary: string | undefined;
  readonly cdnHeaders?: ReadonlyArray<readonly [string, string]>;
  readonly contentType: string | undefined;
  readonly contentEncoding?: string;
}

/** Fields as [name, value] pairs, in the order they are sent. */
export type Fields = ReadonlyArray<readonly [string, string]>;

const validatorFields = new WeakMap<FieldedRepresentation, Fields>();
const contentFields = new WeakMap<FieldedRepresentation, Fields>();

/** What every status sends of `representation` but Date: validators, Cache-Control, Vary, the CDN fields. */
export function validatorFieldsOf(representation: FieldedRepresentation): Fields {
  return fieldsOnce(validatorFields, representation, () => {
    const made: Array<readonly [string, string]> = [];
    if (representation.etag !== undefined) made.push(['ETag', representation.etag]);
    if (representation.lastModified !== undefined)
      made.push(['Last-Modified', formatHttpDate(representation.lastModified)]);
    made.push(['Cache-Control', representation.cacheControl]);
    if (representation.vary) made.push(['Vary', representation.vary]);
    if (representation.cdnHeaders) made.push(...representation.cdnHeaders);
    return made;
  });
}

/** What a response with content (200, 206, 416) sends of `representation` besides its validator fields. */
export function contentFieldsOf(representation: FieldedRepresentation): Fields {
  return fieldsOnce(contentFields, representation, () => {
    const made: Array<readonly [string, string]> = [['Accept-Ranges', 'bytes']];
    if (representation.contentType) made.push(['Content-Type', representation.contentType]);
    // RFC 9110 §8.4: the coding is part of the representation, so 200, 206 and 416 name it (a 304 does not).
    if (representation.contentEncoding) made.push(['Content-Encoding', representation.contentEncoding]);
    return made;
  });
}

/** The fields `make` gives for `representation`, made the first time and kept (frozen) in `memo` while it lives. */
function fieldsOnce(
  memo: WeakMap<FieldedRepresentation, Fields>,
  representation: FieldedRepresentation,
  make: () => Array<readonly [string, string]>,
): Fields {
  let fields = memo.get(representation);
  if (fields === undefined) {
    fields = Object.freeze(make());
    memo.set(representation, fields);
  }
  return fields;
}

/** The HTTP-date of a time: most responses in one second share their Date and many their Last-Modified. */
export const httpDateOf = formattedPerSecond(formatHttpDate);
