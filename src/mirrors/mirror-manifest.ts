// Reads a mirror's copy of the digest manifest (README "Mirrors: the digest manifest") into what the prober
// compares against, and tells which paths two manifests disagree on. Pure: text in, maps out.

import {
  DIGEST_MANIFEST_FORMAT,
  DIGEST_MANIFEST_VERSION,
  type FileDigest,
} from '../site-build/digest-manifest';

/** What a mirror's manifest says of one file: the parts that prove a copy. */
export type MirrorFileDigest = Pick<FileDigest, 'size' | 'sha256'>;

/** A mirror's manifest: URL path (decoded) → size and SHA-256 (base64). */
export type MirrorManifest = ReadonlyMap<string, MirrorFileDigest>;

/** A standard base64 SHA-256 (32 bytes, with its one `=` of padding). */
const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * The manifest in `text`; throws an Error with a short reason when it is not JSON, not a cdn-include digest
 * manifest of a version this reader knows, or an entry is malformed. Unknown fields are ignored, as the README asks.
 * @example parseMirrorManifest('{"format":"cdn-include-digests","version":1,"files":{}}') // Map(0)
 */
export function parseMirrorManifest(text: string): MirrorManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('manifest is not JSON');
  }
  if (!isRecord(parsed) || parsed.format !== DIGEST_MANIFEST_FORMAT)
    throw new Error(`manifest format is not '${DIGEST_MANIFEST_FORMAT}'`);
  if (parsed.version !== DIGEST_MANIFEST_VERSION)
    throw new Error(`manifest version ${JSON.stringify(parsed.version)} is not ${DIGEST_MANIFEST_VERSION}`);
  if (!isRecord(parsed.files)) throw new Error('manifest has no files object');
  const files = new Map<string, MirrorFileDigest>();
  for (const [path, entry] of Object.entries(parsed.files)) {
    // A dot segment would address another URL than the one listed once joined to the mirror's base.
    if (!path.startsWith('/') || /\/\.\.?(\/|$)/.test(path) || !isRecord(entry))
      throw new Error(`manifest entry '${path}' is malformed`);
    const { size, sha256 } = entry;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw new Error(`manifest entry '${path}' has no size`);
    if (typeof sha256 !== 'string' || !SHA256_BASE64.test(sha256))
      throw new Error(`manifest entry '${path}' has no sha256`);
    files.set(path, { size, sha256 });
  }
  return files;
}

/**
 * The paths whose entry differs between two manifests: added, removed, or with another size or digest.
 * @example changedPaths(new Map(), new Map([['/a', digest]])) // Set { '/a' }
 */
export function changedPaths(before: MirrorManifest, after: MirrorManifest): Set<string> {
  const changed = new Set<string>();
  for (const [path, entry] of after) {
    const old = before.get(path);
    if (old === undefined || old.sha256 !== entry.sha256 || old.size !== entry.size) changed.add(path);
  }
  for (const path of before.keys()) if (!after.has(path)) changed.add(path);
  return changed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
