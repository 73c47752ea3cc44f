// Server CPU time per request: the CPU a server's whole process group (a master and its workers) used while a load
// ran, over the requests served. On this shared VM req/s moves up to 2x between rounds with the host's load, while
// the CPU a request costs moves far less, so the bench reports both. Linux /proc only; elsewhere none.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** What /proc/PID/stat says of one process: its process group and the CPU it and its reaped children used. */
export interface ProcessCpu {
  group: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
}

/**
 * Reads one /proc/PID/stat line. The command name (field 2) is in parentheses and may hold spaces or `)`, so the
 * fields are counted from the last `)`: then pgrp is field 5 and utime, stime, cutime, cstime fields 14–17.
 */
export function parseProcStat(line: string): ProcessCpu | undefined {
  const end = line.lastIndexOf(')');
  if (end < 0) return undefined;
  // After ") ": field 3 (state) is index 0.
  const fields = line.slice(end + 2).split(' ');
  const group = Number(fields[2]);
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  return Number.isInteger(group) && Number.isFinite(ticks) ? { group, ticks } : undefined;
}

let ticksPerSecond: number | undefined;

/** The kernel's USER_HZ (`getconf CLK_TCK`), 100 on every Linux the bench runs on. */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * Seconds of CPU the processes of `group` have used so far (children that exited count once their parent reaped
 * them); undefined where there is no /proc.
 */
export function groupCpuSeconds(group: number, procRoot = '/proc'): number | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync(procRoot);
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let line: string;
    try {
      line = fs.readFileSync(path.join(procRoot, entry, 'stat'), 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const cpu = parseProcStat(line);
    if (cpu?.group === group) ticks += cpu.ticks;
  }
  return ticks / clockTicksPerSecond();
}
