// Copies one file that is not an SSI page into the output, byte for byte with its mtime, unless already there.

import { isRacy } from '../engine/racy-stamp';
import { type OutputFileInfo, isSameTime } from './output-fs';
import { type ResolvedBuildOptions } from './build-options';

/** A file copied or found up to date, or why neither. */
export type CopyResult =
  { ok: true; copied: boolean; output: OutputFileInfo } | { ok: false; message: string };

/**
 * Copies the file at `path` keeping its mtime, so static servers behind a CDN send the same Last-Modified as
 * cdn-include would. It is skipped when the output already has the same size and mtime (rsync's quick check),
 * unless the output is the rendering of a page that is no longer one (`wasPage`), or the file's mtime is within a
 * timestamp tick of `previousBuildStart` (epoch ms; undefined for a first build, which trusts the quick check as
 * rsync does), when a same-size rewrite since that build would have kept both.
 *
 * @example
 * const result = await copyStaticFile('/css/site.css', false, options, Date.parse(previous.builtAt));
 */
export async function copyStaticFile(
  path: string,
  wasPage: boolean,
  options: ResolvedBuildOptions,
  previousBuildStart?: number,
): Promise<CopyResult> {
  const lookup = await options.render.source.stat(path);
  if (lookup.status !== 'found' || lookup.info.isDirectory)
    return { ok: false, message: copyFailure(lookup.status) };
  const existing = await options.output.stat(path);
  if (
    !wasPage &&
    existing &&
    !(previousBuildStart !== undefined && isRacy(lookup.info.mtimeMs, previousBuildStart)) &&
    existing.size === lookup.info.size &&
    isSameTime(existing.mtimeMs, lookup.info.mtimeMs)
  ) {
    return { ok: true, copied: false, output: existing };
  }
  // Bytes and mtime come from one read, so a file changed meanwhile cannot pair new bytes with an old mtime.
  const content = await options.render.source.read(path);
  if (content.status !== 'found') return { ok: false, message: copyFailure(content.status) };
  const output = await options.output.write(path, content.bytes, content.info.mtimeMs);
  return { ok: true, copied: true, output };
}

function copyFailure(status: 'found' | 'missing' | 'forbidden' | 'directory'): string {
  if (status === 'missing') return 'the file disappeared during the build';
  if (status === 'forbidden')
    return 'the file may not be served (a symlink out of the docroot, or a FIFO, socket or device?)';
  return 'it is a directory';
}
