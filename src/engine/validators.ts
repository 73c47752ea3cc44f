// Validators of a rendered page, derived from its bytes and its dependency set. Pure functions.

import computeEtag from 'etag';
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

/** A strong ETag computed from the exact bytes served, so every server with the same files sends the same tag. */
export function entityTagOf(body: Buffer): string {
  return computeEtag(body);
}

/** Floors epoch milliseconds to the whole second HTTP dates can express. */
export function floorToSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
