// Reads a server's resident memory from /proc: the sum of VmRSS over its process group (a master and its workers
// alike), sampled at an interval while a load runs. Linux only; reads, never signals.

import fs from 'node:fs';

/** The process group of `pid` (field 5 of /proc/PID/stat), or undefined when it is gone. */
function processGroupOf(pid: string): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/** VmRSS of `pid` in bytes, 0 when it is gone. */
function residentBytes(pid: string): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kilobytes === undefined ? 0 : Number(kilobytes) * 1024;
  } catch {
    return 0;
  }
}

/** The summed VmRSS, in bytes, of every process in the group led by `leader` (0 when none is left). */
export function processGroupRss(leader: number): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(pid) && processGroupOf(pid) === leader) total += residentBytes(pid);
  }
  return total;
}

/** Samples a process group's RSS every `intervalMs` until stopped. */
export class RssSampler {
  private highest = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly leader: number,
    intervalMs = 200,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one sample now and returns it. */
  sample(): number {
    const bytes = processGroupRss(this.leader);
    this.highest = Math.max(this.highest, bytes);
    return bytes;
  }

  /** Stops sampling and returns the highest sample, in bytes. */
  stop(): number {
    clearInterval(this.timer);
    return this.highest;
  }
}
