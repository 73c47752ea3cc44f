// Picks the load generator: wrk when it is on PATH, else autocannon, else none.

import { execFileSync } from 'node:child_process';
import { runAutocannon } from './autocannon';
import { runWrk, type LoadOptions, type LoadResult } from './wrk';

/** A load generator the bench can run. */
export interface LoadTool {
  name: 'wrk' | 'autocannon';
  version: string;
  run(options: LoadOptions): Promise<LoadResult>;
}

function versionOf(command: string, args: string[]): string | undefined {
  try {
    // wrk -v prints its banner and exits 1; the banner is still what we want.
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const output = (err as { stdout?: string; stderr?: string }).stdout ?? '';
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    return output.trim() || 'unknown version';
  }
}

/** wrk if installed, autocannon otherwise; undefined when neither is there. */
export function findLoadTool(): LoadTool | undefined {
  const wrk = versionOf('wrk', ['-v']);
  if (wrk !== undefined) return { name: 'wrk', version: wrk.split('\n')[0] ?? wrk, run: runWrk };
  const autocannon = versionOf('autocannon', ['--version']);
  if (autocannon !== undefined) return { name: 'autocannon', version: autocannon, run: runAutocannon };
  return undefined;
}
