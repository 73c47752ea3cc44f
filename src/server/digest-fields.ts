// The integrity fields of a response (RFC 9530, and the draft Unencoded-Digest): Repr-Digest of the representation
// as sent on every 200 and 206, HEAD alike; Unencoded-Digest on a compressed one; Content-Digest on a 206 (of the
// bytes of its range) and on a 200 when asked. Values are made once per representation (BodyDigests); only a 206's
// Content-Digest is of its own range's bytes. 304, 412 and 416 carry none: they send no representation.

import type { IncomingHttpHeaders } from 'node:http';
import type { Context } from 'koa';
import { type BodyDigests, digestOf } from '../engine/body-digests';
import { fieldValue } from '../fields/http-fields';
import { preferredDigestAlgorithm, type DigestAlgorithm, digestFieldValue } from '../fields/integrity-fields';
import type { ByteRange } from './byte-range';

/** What the digest fields read of a representation (representation.ts's Representation has it all). */
export interface DigestedRepresentation {
  /** The bytes in memory; empty when `streamed` sends them. */
  readonly body: Buffer;
  readonly streamed?: { readonly length: number };
  readonly digests: BodyDigests;
  readonly unencodedDigest?: string;
}

/**
 * Sets the digest fields for a response sending `representation`, whole or the bytes of `range`. Want-Repr-Digest
 * and Want-Content-Digest choose among sha-256 and sha-512; a wish for anything else is ignored.
 */
export function setDigestFields(
  ctx: Context,
  representation: DigestedRepresentation,
  range: ByteRange | undefined,
): void {
  const { headers } = ctx.req;
  for (const [name, value] of reprDigestFields(representation, headers['want-repr-digest']))
    ctx.set(name, value);
  const wantedContent = headers['want-content-digest'];
  if (range === undefined && wantedContent === undefined) return;
  const algorithm = wantedContent === undefined ? undefined : preferredOf(wantedContent);
  const content = range
    ? rangeDigest(representation, range, algorithm)
    : representation.digests.field(algorithm);
  if (content !== undefined) ctx.set('Content-Digest', content);
}

/**
 * Repr-Digest of `representation` in the algorithm `wanted` (Want-Repr-Digest) prefers, and Unencoded-Digest when
 * it is compressed: what every 200 and 206 sends.
 */
export function reprDigestFields(
  representation: DigestedRepresentation,
  wanted: string | string[] | undefined,
): Array<readonly [string, string]> {
  const fields: Array<readonly [string, string]> = [
    ['Repr-Digest', representation.digests.field(wanted === undefined ? undefined : preferredOf(wanted))],
  ];
  if (representation.unencodedDigest !== undefined)
    fields.push(['Unencoded-Digest', representation.unencodedDigest]);
  return fields;
}

/** Whether a request chooses its digests (Want-Repr-Digest, Want-Content-Digest): then its fields are its own. */
export function choosesDigests(headers: IncomingHttpHeaders): boolean {
  return headers['want-repr-digest'] !== undefined || headers['want-content-digest'] !== undefined;
}

/** The algorithm a Want- field asks for, read only when a request sends one (the warm path has none). */
function preferredOf(field: string | string[]): DigestAlgorithm | undefined {
  return preferredDigestAlgorithm(fieldValue(field));
}

/**
 * Content-Digest of a 206: the digest of the bytes of `range` (RFC 9530 §2). The whole representation's when the
 * range covers it; none for a body streamed from disk, whose range would have to be read twice to name it first.
 */
function rangeDigest(
  representation: DigestedRepresentation,
  range: ByteRange,
  algorithm: DigestAlgorithm | undefined,
): string | undefined {
  const { body, streamed } = representation;
  const length = streamed?.length ?? body.length;
  if (range.start === 0 && range.end === length - 1) return representation.digests.field(algorithm);
  if (streamed) return undefined;
  const chosen = algorithm ?? 'sha-256';
  return digestFieldValue(chosen, digestOf(body.subarray(range.start, range.end + 1), chosen));
}
