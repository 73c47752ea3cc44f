// The versions of everything measured, for the results file.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { nodeRuntime } from './runtime';

function firstLine(command: string, args: string[]): string {
  // nginx -v writes to stderr; wrk -v exits 1: read both streams, whatever the exit code.
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] ?? 'unknown';
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** Name → version line of each program and package involved, plus the machine. */
export function collectVersions(loadTool: string): Record<string, string> {
  const commit = firstLine('git', ['rev-parse', '--short', 'HEAD']);
  const dirty =
    firstLine('git', ['status', '--porcelain', '--untracked-files=no']) === ''
      ? ''
      : ' (with uncommitted changes)';
  const cpus = os.cpus();
  return {
    'cdn-include': `git ${commit}${dirty}`,
    node: nodeRuntime(),
    'load generator': loadTool,
    nginx: firstLine('/usr/sbin/nginx', ['-v']),
    apache: firstLine('/usr/sbin/apache2', ['-v']),
    lighttpd: firstLine('/usr/sbin/lighttpd', ['-v']),
    koa: packageVersion('koa'),
    'koa-static': packageVersion('koa-static'),
    machine: `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${os.type()} ${os.release()}`,
  };
}
