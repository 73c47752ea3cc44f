// Maps a request-target to a file in the docroot: path guard, directory index, redirect for a directory without '/'.

import { type ResolvedRenderOptions } from '../engine/render-options';
import { parseRequestPath } from './request-path';

/** Where a request leads. `query` is undefined when the URL has no '?'. */
export type LocatedResource =
  | { kind: 'file'; path: string; query: string | undefined }
  | { kind: 'redirect'; location: string }
  | { kind: 'missing' }
  | { kind: 'refused'; status: 400 | 403 | 404 };

/** Finds the file a request-target names, without reading it. */
export async function locateResource(
  options: ResolvedRenderOptions,
  target: string,
): Promise<LocatedResource> {
  const parsed = parseRequestPath(target);
  if (!parsed.ok) return { kind: 'refused', status: parsed.status };
  const query = parsed.hasQuery ? parsed.query : undefined;
  const { source } = options;
  if (parsed.path.endsWith('/')) {
    for (const name of options.directoryIndex) {
      const path = `${parsed.path}${name}`;
      const lookup = await source.stat(path);
      if (lookup.status === 'found' && !lookup.info.isDirectory) return { kind: 'file', path, query };
      if (lookup.status === 'forbidden') return { kind: 'refused', status: 403 };
    }
    return { kind: 'missing' };
  }
  const lookup = await source.stat(parsed.path);
  if (lookup.status === 'missing') return { kind: 'missing' };
  if (lookup.status === 'forbidden') return { kind: 'refused', status: 403 };
  if (lookup.info.isDirectory) {
    const encodedPath = `${encodePath(parsed.path)}/`;
    return { kind: 'redirect', location: query === undefined ? encodedPath : `${encodedPath}?${query}` };
  }
  return { kind: 'file', path: parsed.path, query };
}

/**
 * Percent-encodes a decoded path for a Location, as mod_dir's ap_escape_uri does: everything but the unreserved
 * characters, the sub-delims, `:` and `@` (RFC 3986 §3.3 pchar), so a `?`, `#` or `%` in a folder name stays part
 * of the path.
 */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, decodeURIComponent))
    .join('/');
}
