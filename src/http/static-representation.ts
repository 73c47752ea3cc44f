// Static files (not parsed for SSI) get their own validators: a strong ETag of their bytes and their mtime.

import { lookup as mimeLookup } from 'mime-types';
import { FileInfo } from '../engine/file-source';
import { entityTagOf, floorToSecond } from '../engine/validators';
import { Representation } from './representation';

/** Builds the representation of a static file read at time `now`. */
export function staticRepresentation(
  path: string,
  bytes: Buffer,
  info: FileInfo,
  cacheControl: string,
  now: number,
): Representation {
  const lastModified = floorToSecond(Math.min(info.mtimeMs, now));
  return {
    body: bytes,
    contentType: mimeLookup(path) || undefined,
    etag: entityTagOf(bytes),
    lastModified,
    lastModifiedIsStrong: now - info.mtimeMs >= 1000,
    cacheControl,
    vary: undefined,
  };
}
