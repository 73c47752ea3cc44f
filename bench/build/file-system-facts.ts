// What the build bench says about the file system it writes to: its type and the two properties that decide what
// creating and replacing thousands of files costs on Linux. Read from /proc; nothing is changed.
//
// - An ext4 file system without a journal will not reuse an inode freed in the last minute (six if its inode
//   table block is still dirty: the kernel's `recently_deleted` check in fs/ext4/ialloc.c), so each file created
//   soon after many were deleted or replaced looks at each of them in turn before it finds a free one.
// - Mounted with `discard`, every block freed (a file replaced or deleted) is trimmed on the device as it is freed.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';

/** One line of /proc/mounts that matters here. */
export interface MountEntry {
  device: string;
  mountPoint: string;
  type: string;
  options: string[];
}

/** What the report states about a folder's file system. */
export interface FileSystemFacts {
  mountPoint: string;
  type: string;
  /** Undefined when it cannot be told (not ext3/ext4, or /proc/fs/jbd2 unreadable). */
  journal: boolean | undefined;
  discard: boolean;
}

/** The entries of a /proc/mounts text (octal escapes such as `\040` for a space are decoded). */
export function parseMounts(text: string): MountEntry[] {
  const unescape = (field: string): string =>
    field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 4)
    .map(([device, mountPoint, type, options]) => ({
      device: unescape(device!),
      mountPoint: unescape(mountPoint!),
      type: type!,
      options: options!.split(','),
    }));
}

/** The mount holding `folder` (an absolute, resolved path): the last listed of those whose point is its longest prefix. */
export function mountOf(entries: readonly MountEntry[], folder: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const entry of entries) {
    const point = entry.mountPoint;
    const holds = point === '/' || folder === point || folder.startsWith(`${point}/`);
    if (holds && (best === undefined || point.length >= best.mountPoint.length)) best = entry;
  }
  return best;
}

/** The facts of `folder`'s file system on this machine; undefined when /proc/mounts cannot be read. */
export function fileSystemFacts(folder: string): FileSystemFacts | undefined {
  let entries: MountEntry[];
  try {
    entries = parseMounts(readFileSync('/proc/mounts', 'utf8'));
  } catch {
    return undefined;
  }
  const mount = mountOf(entries, folder);
  if (!mount) return undefined;
  return {
    mountPoint: mount.mountPoint,
    type: mount.type,
    journal: journalOf(mount),
    discard: mount.options.includes('discard'),
  };
}

/**
 * Whether an ext3/ext4 mount has a journal. The kernel lists each such file system under /proc/fs/ext4/<name> and
 * its journal under /proc/fs/jbd2/<name>-8, by the device's kernel name (`dm-0` for a `/dev/mapper/…` link, found
 * by resolving the device path). Undefined when that name cannot be told: then nothing is claimed.
 */
export function journalOf(
  mount: MountEntry,
  exists: (path: string) => boolean = existsSync,
  kernelNameOf: (device: string) => string | undefined = kernelName,
): boolean | undefined {
  if (mount.type !== 'ext4' && mount.type !== 'ext3') return undefined;
  const name = kernelNameOf(mount.device);
  if (name === undefined || !exists(`/proc/fs/ext4/${name}`)) return undefined;
  return exists(`/proc/fs/jbd2/${name}-8`);
}

function kernelName(device: string): string | undefined {
  try {
    return basename(realpathSync(device));
  } catch {
    return undefined;
  }
}

/**
 * One line for the report, with what the two properties cost when they hold, e.g. "/ is ext4 without a journal
 * (an inode freed in the last minute is not reused: …), mounted with discard (…)".
 */
export function describeFileSystem(facts: FileSystemFacts | undefined): string {
  if (!facts) return 'its file system could not be read from /proc/mounts';
  let journal = '';
  if (facts.journal === true) journal = ' with a journal';
  if (facts.journal === false) {
    journal =
      ' without a journal (an inode freed in the last minute is not reused: a file created after many were' +
      ' replaced or deleted looks past each of them)';
  }
  const discard = facts.discard
    ? ', mounted with discard (each block freed is trimmed on the device at once)'
    : '';
  return `${facts.mountPoint} is ${facts.type}${journal}${discard}`;
}
