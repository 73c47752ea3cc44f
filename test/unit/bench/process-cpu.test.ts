import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupCpuSeconds, parseProcStat } from '../../../bench/process-cpu';

/** A /proc/PID/stat line: pid (comm) state ppid pgrp … with utime, stime, cutime, cstime as fields 14–17. */
function statLine(
  pid: number,
  comm: string,
  group: number,
  [utime, stime, cutime, cstime]: number[],
): string {
  const fields = ['S', '1', String(group), String(group), '0', '-1', '4194304', '0', '0', '0', '0'];
  return `${pid} (${comm}) ${[...fields, utime, stime, cutime, cstime, '20', '0', '1', '0'].join(' ')}\n`;
}

describe('parseProcStat', () => {
  it('a command name with spaces and parentheses › fields counted from the last one', () => {
    expect(parseProcStat(statLine(7, 'nginx: worker (x) y', 42, [10, 5, 3, 2]))).toEqual({
      group: 42,
      ticks: 20,
    });
  });

  it('no command name › undefined', () => {
    expect(parseProcStat('garbage')).toBeUndefined();
  });
});

describe('groupCpuSeconds', () => {
  let proc: string;

  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'proc-'));
    const processes: Array<[number, number, number[]]> = [
      [100, 100, [200, 100, 0, 0]],
      [101, 100, [50, 30, 10, 10]],
      [200, 200, [999, 999, 0, 0]],
    ];
    for (const [pid, group, ticks] of processes) {
      mkdirSync(join(proc, String(pid)));
      writeFileSync(join(proc, String(pid), 'stat'), statLine(pid, 'node', group, ticks));
    }
    mkdirSync(join(proc, 'self'));
  });

  afterEach(() => rmSync(proc, { recursive: true, force: true }));

  it('sums every process of the group, reaped children included, in seconds', () => {
    const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    expect(groupCpuSeconds(100, proc)).toBeCloseTo(400 / ticksPerSecond, 9);
  });

  it('a group with no process › 0; no /proc › undefined', () => {
    expect(groupCpuSeconds(300, proc)).toBe(0);
    expect(groupCpuSeconds(100, join(proc, 'missing'))).toBeUndefined();
  });

  it('this very process group, under /proc › the CPU it has used so far', () => {
    const group = Number(
      parseProcStat(execFileSync('cat', ['/proc/self/stat'], { encoding: 'utf8' }))?.group,
    );
    expect(groupCpuSeconds(group)).toBeGreaterThan(0);
  });
});
