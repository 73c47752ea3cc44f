// The "racy clean" rule (git's name for it): a file stamp taken within one timestamp tick of the moment its bytes
// were read cannot vouch for them. Pure: no I/O and no clock of its own.

import { type FileStamp } from './file-stamp';

/**
 * The timestamp granularity assumed for every file system, in ms. Conservative on purpose: ext4 with 128-byte
 * inodes, FAT and many NFS/SMB/FUSE mounts keep whole seconds (FAT's mtime even two), kernels before 6.13 tick every
 * 1–10 ms, and an NFS server's clock may run a little ahead of ours. Two seconds cover all of them.
 */
export const TIMESTAMP_GRANULARITY_MS = 2000;

/**
 * Whether a file last changed at `changedAtMs` (its newer of mtime and ctime) may still be rewritten to the same
 * size without its stamp changing, as seen by bytes read from `readAtMs` on (a time taken before the read).
 * A write after the read lands at least one tick after `changedAtMs` only once a whole granularity has passed;
 * until then the stamp is racy and only the bytes themselves can tell. A stamp in the future (clock skew) is
 * racy until the clock catches up, and an unknown time (NaN) is always racy.
 */
export function isRacy(
  changedAtMs: number,
  readAtMs: number,
  granularityMs: number = TIMESTAMP_GRANULARITY_MS,
): boolean {
  return !(changedAtMs + granularityMs <= readAtMs);
}

/** The last time a stamp shows a change of the file: the newer of its mtime and ctime. */
export function changedAt(stamp: FileStamp): number {
  return stamp.ctimeMs > stamp.mtimeMs ? stamp.ctimeMs : stamp.mtimeMs;
}

/** Whether `stamp`, taken before bytes were read from `readAtMs` on, is racy (see isRacy). */
export function isRacyStamp(
  stamp: FileStamp,
  readAtMs: number,
  granularityMs: number = TIMESTAMP_GRANULARITY_MS,
): boolean {
  return stamp.kind === 'file' && isRacy(changedAt(stamp), readAtMs, granularityMs);
}
