// Static files (not parsed for SSI) get their own validators: a strong ETag of their bytes and their mtime.

import { lookup as mimeLookup } from 'mime-types';
import { FileInfo } from '../engine/file-source';
import { entityTagOf, floorToSecond } from '../engine/validators';
import { Representation, StreamedBody } from './representation';

/** Builds the representation of a static file read at time `now`. */
export function staticRepresentation(
  path: string,
  bytes: Buffer,
  info: FileInfo,
  cacheControl: string,
  now: number,
  floor = 0,
): Representation {
  return {
    ...fileFields(path, info.mtimeMs, cacheControl, now, floor),
    body: bytes,
    etag: entityTagOf(bytes),
  };
}

/**
 * Builds the representation of a static file sent from disk, whose `etag` was computed by streaming the same
 * bytes through the same hash: a file has one ETag whether it is held in memory or streamed.
 */
export function streamedRepresentation(
  path: string,
  mtimeMs: number,
  etag: string,
  streamed: StreamedBody,
  cacheControl: string,
  now: number,
  floor = 0,
): Representation {
  return { ...fileFields(path, mtimeMs, cacheControl, now, floor), body: EMPTY, streamed, etag };
}

const EMPTY = Buffer.alloc(0);

/**
 * `floor`: the earliest Last-Modified of the docroot's release (see PageCachePolicy.lastModifiedFloor); before it
 * has come, no Last-Modified is truthful (RFC 9110 §8.8.2.1: none later than the response's date).
 */
function fileFields(path: string, mtimeMs: number, cacheControl: string, now: number, floor: number) {
  const dated = Math.max(mtimeMs, floor);
  return {
    contentType: mimeLookup(path) || undefined,
    lastModified: floor > now ? undefined : floorToSecond(Math.min(dated, now)),
    lastModifiedIsStrong: now - dated >= 1000,
    cacheControl,
    vary: undefined,
  };
}
