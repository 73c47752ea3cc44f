// Validators of a rendered page, derived from its bytes and its dependency set. Pure functions.

import { hash } from 'node:crypto';
import { type Dependency } from './dependency-set';

/**
 * The virtual Last-Modified: the newest mtime over every dependency (missing ones count with their directory's
 * mtime), floored to the second and never later than `now` (RFC 9110 §8.8.2.1).
 */
export function virtualLastModified(
  dependencies: ReadonlyArray<Pick<Dependency, 'mtimeMs'>>,
  now: number,
): number {
  let newest = 0;
  for (const dependency of dependencies) newest = Math.max(newest, dependency.mtimeMs);
  return floorToSecond(Math.min(newest, now));
}

/**
 * A strong ETag computed from the exact bytes served, so every server with the same files sends the same tag:
 * `"<length in hex>-<base64 SHA-256, first 27 characters>"`.
 */
export function entityTagOf(body: Uint8Array): string {
  return entityTagOfDigest(body.length, hash('sha256', body, 'buffer'));
}

/**
 * The ETag of `length` bytes whose SHA-256 is `sha256`: the one hash that the Repr-Digest field sends too, so a
 * body is hashed once for both. 27 base64 characters (162 bits) keep the length of jshttp `etag`'s tags.
 */
export function entityTagOfDigest(length: number, sha256: Buffer): string {
  return entityTagOfBase64Digest(length, sha256.toString('base64'));
}

/** The same from the standard base64 of the SHA-256, as a digest field or a build manifest keeps it. */
export function entityTagOfBase64Digest(length: number, sha256Base64: string): string {
  return `"${length.toString(16)}-${sha256Base64.slice(0, ENTITY_TAG_HASH_CHARACTERS)}"`;
}

const ENTITY_TAG_HASH_CHARACTERS = 27;

/** Floors epoch milliseconds to the whole second HTTP dates can express. */
export function floorToSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
