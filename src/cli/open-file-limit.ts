// The process's open-file limit (RLIMIT_NOFILE), read from /proc/self/limits where Linux provides it. Node already
// raises its soft limit to the hard one at start, so the value read is what the server really has.

import { readFileSync } from 'node:fs';

/**
 * The soft "Max open files" limit in a /proc/<pid>/limits text; undefined when unlimited or absent.
 * @example parseOpenFileLimit('Max open files  1024  4096  files\n'); // 1024
 */
export function parseOpenFileLimit(limitsText: string): number | undefined {
  const match = /^Max open files\s+(\S+)/m.exec(limitsText);
  if (!match || !/^[0-9]+$/.test(match[1])) return undefined;
  return Number(match[1]);
}

/** This process's open-file limit; undefined where /proc is missing (not Linux) or the limit is unlimited. */
export function readOpenFileLimit(): number | undefined {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}
