// Writes one file so that readers see either the old bytes or the new ones with their final mtime, never a mix:
// a temporary file is written, dated and checked through one descriptor, then renamed into place.

import { closeSync, fstatSync, futimesSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { type OutputFileInfo } from './output-fs';

/**
 * Writes `bytes` to `temporary` (in the folder of `file`'s file system, so the rename is atomic), sets its mtime
 * when given, and renames it to `file`; returns the size and mtime the file system reports for it.
 */
export async function writeAtomically(
  file: string,
  temporary: string,
  bytes: Uint8Array,
  mtimeMs: number | undefined,
): Promise<OutputFileInfo> {
  try {
    const handle = await open(temporary, 'w');
    let stats;
    try {
      await handle.writeFile(bytes);
      // Seconds as a number, not a Date, which would cut the time to whole milliseconds.
      if (mtimeMs !== undefined) await handle.utimes(mtimeMs / 1000, mtimeMs / 1000);
      stats = await handle.stat();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}

/** writeAtomically without the thread pool: for a render thread, whose only work is writing what it rendered. */
export function writeAtomicallySync(
  file: string,
  temporary: string,
  bytes: Uint8Array,
  mtimeMs: number | undefined,
): OutputFileInfo {
  try {
    const fd = openSync(temporary, 'w');
    let stats;
    try {
      for (let written = 0; written < bytes.length;) {
        written += writeSync(fd, bytes, written, bytes.length - written);
      }
      if (mtimeMs !== undefined) futimesSync(fd, mtimeMs / 1000, mtimeMs / 1000);
      stats = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch (err) {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created, or already renamed.
    }
    throw err;
  }
}
