// Resolves the targets of `file=` and `virtual=` attributes to docroot paths. Pure: no I/O.
// Both must stay inside the docroot: a target can never name a file the request path guard would refuse.

import { type ByteString, fromByteString } from '../ssi/byte-string';
import { percentDecode } from '../ssi/query-string';
import { parentPath } from './file-source';
import { isHiddenPath } from './hidden-paths';

/**
 * A resolved include target. `kind` says which attribute named it: Apache looks `file=` up as a file
 * (ap_sub_req_lookup_file) and `virtual=` as a URL. `trailingSlash` asks a URL for the directory's index page.
 */
export type IncludeTarget =
  | { ok: true; kind: 'file' | 'virtual'; path: string; query: string | undefined; trailingSlash: boolean }
  | { ok: false; reason: string };

/**
 * Resolves `file="…"`: a relative file path, against the including document's directory, that may not rise
 * above that directory (Apache's apr_filepath_merge with NOTABSOLUTE and SECUREROOTTEST).
 */
export function resolveFileAttribute(documentPath: string, value: ByteString): IncludeTarget {
  const text = decodeUtf8(value);
  if (text === undefined) return { ok: false, reason: 'the path is not valid UTF-8' };
  if (text.startsWith('/'))
    return { ok: false, reason: 'file= paths must be relative (use virtual= for URLs)' };
  if (text.includes('\0')) return { ok: false, reason: 'the path contains a NUL byte' };
  const segments = normalizeSegments(text.split('/'));
  if (!segments) return { ok: false, reason: 'file= paths may not rise above the including document' };
  return finish('file', joinPath(parentPath(documentPath), segments), undefined, text.endsWith('/'));
}

/**
 * Resolves `virtual="…"`: a %-encoded URL path with an optional query, relative to the including document's URL
 * directory when it does not start with '/'. `documentUrl` is null when the document has no URL (see
 * DocumentFrame.url): Apache then builds a URL without a leading '/', which its URL mapping refuses (400).
 */
export function resolveVirtualAttribute(documentUrl: string | null, value: ByteString): IncludeTarget {
  // apr_uri_parse: a fragment ends the path and the query; it never reaches the server's URL mapping.
  const withoutFragment = value.split('#', 1)[0];
  const questionMark = withoutFragment.indexOf('?');
  // Apache never reads a scheme or host here: a relative value is appended to the document's URL directory
  // (ap_sub_req_lookup_uri), and ap_parse_uri collapses leading slashes, so `//a/b` is the path `/a/b` and an
  // empty path (`virtual=""`, `virtual="?q"`) names the document's own directory.
  const rawPath = questionMark < 0 ? withoutFragment : withoutFragment.slice(0, questionMark);
  const query = questionMark < 0 ? undefined : withoutFragment.slice(questionMark + 1);
  const decoded = percentDecodePath(rawPath);
  if (decoded === undefined)
    return { ok: false, reason: 'the URL path has bad %-encoding or an encoded slash' };
  const text = decodeUtf8(decoded);
  if (text === undefined) return { ok: false, reason: 'the URL path is not valid UTF-8' };
  if (/[\0\\]/.test(text)) return { ok: false, reason: 'the URL path contains a NUL byte or a backslash' };
  if (documentUrl === null && !text.startsWith('/'))
    return { ok: false, reason: 'a relative URL needs a document URL, and this document has none' };
  // A relative URL resolves against the document's URL directory; '..' may climb it, never above the root.
  const absolute = text.startsWith('/') || documentUrl === null ? text : `${parentPath(documentUrl)}/${text}`;
  const segments = normalizeSegments(absolute.split('/'));
  if (!segments) return { ok: false, reason: 'the URL path rises above the document root' };
  const trailingSlash = /(^|\/)\.{0,2}$/.test(text);
  return finish('virtual', joinPath('/', segments), query, trailingSlash);
}

function finish(
  kind: 'file' | 'virtual',
  path: string | undefined,
  query: string | undefined,
  trailingSlash: boolean,
): IncludeTarget {
  if (path === undefined) return { ok: false, reason: 'the path rises above the document root' };
  if (isHiddenPath(path)) return { ok: false, reason: 'hidden files are never served' };
  return { ok: true, kind, path, query, trailingSlash };
}

/** Removes '.', '' and '..' segments; undefined if a '..' would rise above the starting directory. */
function normalizeSegments(segments: string[]): string[] | undefined {
  const kept: string[] = [];
  let risesAbove = 0;
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') kept.push(segment);
    else if (kept.length > 0) kept.pop();
    else risesAbove++;
  }
  return risesAbove > 0 ? undefined : kept;
}

/** Joins normalized segments under a base directory path. */
function joinPath(base: string, segments: string[]): string {
  const prefix = base === '/' ? '' : base;
  return segments.length === 0 ? base : `${prefix}/${segments.join('/')}`;
}

/** %-decodes a URL path as bytes; undefined on a malformed escape or an encoded '/' (Apache: AllowEncodedSlashes Off). */
function percentDecodePath(path: ByteString): ByteString | undefined {
  if (/%(?![0-9a-fA-F]{2})|%2f/i.test(path)) return undefined;
  return percentDecode(path);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
// ASCII bytes are the same text in UTF-8: the common include path needs no decoding.
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Decodes the bytes of a path as UTF-8 (file names on disk are UTF-8); undefined if they are not valid UTF-8. */
function decodeUtf8(value: ByteString): string | undefined {
  if (ASCII_ONLY.test(value)) return value;
  try {
    return UTF8.decode(fromByteString(value));
  } catch {
    return undefined;
  }
}
