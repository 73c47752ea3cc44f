// Test helper: the processes below a process, read from Linux's /proc (a process's parent is field 4 of
// /proc/N/stat, after the parenthesized name).

import { readdirSync, readFileSync } from 'node:fs';

/** Every live process and its parent. */
function parentsOfAll(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while /proc was read.
    }
  }
  return parents;
}

/** The processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  return [...parentsOfAll()].filter(([, parent]) => parent === pid).map(([child]) => child);
}

/** The processes below `pid`, at any depth. */
export function descendantsOf(pid: number): number[] {
  const parents = parentsOfAll();
  const below = (child: number): boolean => {
    for (
      let ancestor = parents.get(child);
      ancestor !== undefined && ancestor > 1;
      ancestor = parents.get(ancestor)
    )
      if (ancestor === pid) return true;
    return false;
  };
  return [...parents.keys()].filter(below);
}

/** A process's command line, argument by argument ([] once it has ended). */
export function commandLineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return [];
  }
}
