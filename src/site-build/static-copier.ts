// Copies one file that is not an SSI page into the output, byte for byte with its mtime, unless already there.

import { mediaTypeOf } from '../engine/media-types';
import { type ResolvedAssetHosts } from '../asset-hosts/asset-host-options';
import { cssFileWithAssetHosts, isCssType } from '../asset-hosts/css-rewriter';
import { isRacy } from '../engine/racy-stamp';
import { fileDigest } from './digest-manifest';
import { isSameTime, type OutputFileInfo } from './output-fs';
import { type ResolvedBuildOptions } from './build-options';
import { type FileRecord } from './manifest';

/** A file copied or found up to date (with the record the next build keeps), or why neither. */
export type CopyResult =
  | {
      ok: true;
      copied: boolean;
      output: FileRecord;
      /** Set when the file was kept because its bytes, read to check a racy stamp, were the recorded ones. */
      racyBytesChecked?: true;
    }
  | { ok: false; message: string };

/** What the previous build knew of the file, and when it started. */
export interface PreviousCopy {
  /** The previous build's record of this file, undefined when it copied none. */
  record: FileRecord | undefined;
  /** The output is the rendering of a page that is no longer one. */
  wasPage: boolean;
  /** When the previous build started, epoch ms; undefined for a first build. */
  buildStart: number | undefined;
}

/**
 * Copies the file at `path` keeping its mtime, so static servers behind a CDN send the same Last-Modified as
 * cdn-include would. It is skipped when the output already has the same size and mtime (rsync's quick check),
 * unless the output is the rendering of a page that is no longer one (`wasPage`). When the file's mtime is within
 * a timestamp tick of the previous build's start, a same-size rewrite since that build would have kept both: then
 * it is skipped only if its bytes have the digest the previous build recorded for that very output (a first build
 * trusts the quick check as rsync does). A skipped file keeps the digest the previous build recorded for that
 * very output, or is hashed from the source when there is none.
 *
 * @example
 * const result = await copyStaticFile('/css/site.css', { record, wasPage: false, buildStart }, options);
 */
export async function copyStaticFile(
  path: string,
  previous: PreviousCopy,
  options: ResolvedBuildOptions,
): Promise<CopyResult> {
  const { assetHosts } = options;
  if (assetHosts && isCssType(mediaTypeOf(path) || undefined))
    return writeCss(path, previous.record, assetHosts, options);
  const found = await options.render.source.stat(path);
  if (found.status !== 'found' || found.info.isDirectory)
    return { ok: false, message: copyFailure(found.status) };
  const existing = await options.output.stat(path);
  const { record, wasPage, buildStart } = previous;
  const sameStamp = !wasPage && existing !== undefined && isSameFile(existing, found.info);
  const racy = buildStart !== undefined && isRacy(found.info.mtimeMs, buildStart);
  // The digest manifest names the output's bytes: only a record of this very output may stand for them.
  const ownRecord = record !== undefined && existing !== undefined && isSameFile(record, existing);
  if (sameStamp && !racy && ownRecord && record.sha256 !== undefined && record.etag !== undefined)
    return { ok: true, copied: false, output: { ...existing, sha256: record.sha256, etag: record.etag } };
  // Bytes and mtime come from one read, so a file changed meanwhile cannot pair new bytes with an old mtime.
  const content = await options.render.source.read(path);
  if (content.status !== 'found') return { ok: false, message: copyFailure(content.status) };
  const { sha256, etag } = fileDigest(content.bytes);
  // A racy stamp cannot vouch for the bytes, the digest recorded of the output copied from them can.
  const sameBytes = racy ? ownRecord && record.sha256 === sha256 : true;
  if (sameStamp && sameBytes && isSameFile(content.info, existing))
    return {
      ok: true,
      copied: false,
      output: { ...existing, sha256, etag },
      ...(racy && { racyBytesChecked: true }),
    };
  const output = await options.output.write(path, content.bytes, content.info.mtimeMs);
  return { ok: true, copied: true, output: { ...output, sha256, etag } };
}

/**
 * Writes the CSS file at `path` with its url()s on their asset hosts (as `serve` sends it), dated no older than
 * the configuration's epoch when a URL moved; an output already holding those bytes with that date is kept. CSS
 * files are small: each build reads them again rather than trusting a quick check made on other bytes.
 */
async function writeCss(
  path: string,
  record: FileRecord | undefined,
  assetHosts: ResolvedAssetHosts,
  options: ResolvedBuildOptions,
): Promise<CopyResult> {
  const content = await options.render.source.read(path);
  if (content.status !== 'found') return { ok: false, message: copyFailure(content.status) };
  const file = { bytes: content.bytes, mtimeMs: content.info.mtimeMs };
  const { body, mtimeMs } = cssFileWithAssetHosts(file, path, assetHosts);
  const { sha256, etag } = fileDigest(body);
  const existing = await options.output.stat(path);
  if (
    existing &&
    record?.sha256 === sha256 &&
    existing.size === body.length &&
    isSameTime(existing.mtimeMs, mtimeMs)
  )
    return { ok: true, copied: false, output: { ...existing, sha256, etag } };
  const output = await options.output.write(path, body, mtimeMs);
  return { ok: true, copied: true, output: { ...output, sha256, etag } };
}

/** True when two stats show the same size and mtime. */
function isSameFile(a: OutputFileInfo, b: OutputFileInfo): boolean {
  return a.size === b.size && isSameTime(a.mtimeMs, b.mtimeMs);
}

function copyFailure(status: 'found' | 'missing' | 'forbidden' | 'directory'): string {
  if (status === 'missing') return 'the file disappeared during the build';
  if (status === 'forbidden')
    return 'the file may not be served (a symlink out of the docroot, or a FIFO, socket or device?)';
  return 'it is a directory';
}
