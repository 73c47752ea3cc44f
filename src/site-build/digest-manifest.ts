// The digest manifest a build publishes in its output, so a mirror that syncs the output also publishes what it
// holds: URL path → size, SHA-256 and ETag of every file served. Pure: the entries and the text, no I/O.

import { digestOf } from '../engine/body-digests';
import { entityTagOfDigest } from '../engine/validators';

/** Where the build writes the digest manifest; mirrors are probed there (README "Mirrors"). */
export const DIGEST_MANIFEST_PATH = '/.well-known/cdn-include/manifest.json';

/** The folder the build owns in its output: a source file below it is not copied (see isReservedPath). */
export const RESERVED_FOLDER = '/.well-known/cdn-include/';

/** The manifest's `format`, so a reader can tell it from any other JSON at that path. */
export const DIGEST_MANIFEST_FORMAT = 'cdn-include-digests';

/** The manifest's `version`; a change that old readers would misread gets a new one. */
export const DIGEST_MANIFEST_VERSION = 1;

/** What the manifest says of one file. */
export interface FileDigest {
  /** Length in bytes. */
  size: number;
  /** Standard base64 (with padding) of the SHA-256 of the bytes: the byte sequence of `Repr-Digest: sha-256=:…:`. */
  sha256: string;
  /** The strong ETag cdn-include sends for these bytes. */
  etag: string;
}

/** The parsed form of the manifest text. */
export interface DigestManifest {
  format: typeof DIGEST_MANIFEST_FORMAT;
  version: typeof DIGEST_MANIFEST_VERSION;
  /** By URL path, decoded (`/a b.html`, as nginx's `$uri`); sorted by UTF-16 code unit. */
  files: Record<string, FileDigest>;
}

/**
 * The digest entry of `bytes`, by the rules `serve` uses: the identity Repr-Digest's SHA-256 and entityTagOf's ETag.
 * @example fileDigest(Buffer.from('')) // { size: 0, sha256: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', etag: '"0-47DEQpj8HBSa+/TImW+5JCeuQeR"' }
 */
export function fileDigest(bytes: Buffer): FileDigest {
  const sha256 = digestOf(bytes, 'sha-256');
  return {
    size: bytes.length,
    sha256: sha256.toString('base64'),
    etag: entityTagOfDigest(bytes.length, sha256),
  };
}

/**
 * The manifest text: two-space JSON with its files sorted by path, ending in a newline, so equal outputs give
 * equal bytes (and a mirror sync or a conditional request sees no change).
 * @example digestManifestText({ '/a.html': fileDigest(bytes) })
 */
export function digestManifestText(files: Readonly<Record<string, FileDigest>>): string {
  const sorted = Object.keys(files)
    .sort(compareCodeUnits)
    .map((path) => [path, { size: files[path].size, sha256: files[path].sha256, etag: files[path].etag }]);
  const manifest: DigestManifest = {
    format: DIGEST_MANIFEST_FORMAT,
    version: DIGEST_MANIFEST_VERSION,
    files: Object.fromEntries(sorted) as Record<string, FileDigest>,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** True for a docroot path inside the folder the build writes its own files to. */
export function isReservedPath(path: string): boolean {
  return path.startsWith(RESERVED_FOLDER);
}

/** Orders strings by UTF-16 code unit, as JavaScript's default sort, without depending on the locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
