// cdn-include's serve command as a bench server, and which of its optional flags this build has
// (`--workers`, a switch that turns the render cache off): flags other engineers may still be adding.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { ServerCommand } from '../server-process';
import type { ServerSetup } from './server-setup';

/** The CLI of this checkout (npm runs scripts in the package folder), built by `npm run build` first. */
export const CDN_INCLUDE_MAIN = path.resolve('dist', 'cli', 'main.js');

/** What `serve --help` of this build offers. */
export interface ServeFeatures {
  /** Whether `--workers N` exists. */
  workers: boolean;
  /**
   * The flag that serves without the render cache (`--no-cache`, `--no-render-cache`…); undefined when there
   * is none. A build without a cache option may still cache (the middleware's `cache` defaults to true), so
   * the absence of a flag never means "every request renders".
   */
  cacheOff: string | undefined;
  /** Whether `--compress` exists (gzip and brotli are off by default, so the gzip rows need it). */
  compress: boolean;
}

/** Reads `serve --help` and finds the optional flags. */
export function detectServeFeatures(): ServeFeatures {
  const help = execFileSync(process.execPath, [CDN_INCLUDE_MAIN, 'serve', '--help'], { encoding: 'utf8' });
  const flags = new Set(help.match(/--[a-z][a-z0-9-]*/g) ?? []);
  return {
    workers: flags.has('--workers'),
    compress: flags.has('--compress'),
    cacheOff: [...flags].find((flag) => flag.startsWith('--no-') && flag.endsWith('cache')),
  };
}

/**
 * `cdn-include serve` on the site with `workers` workers (1 = no flag), optionally with `extraFlags`, and Node run
 * with `nodeFlags`.
 */
export function cdnIncludeServer(
  setup: ServerSetup,
  port: number,
  workers: number,
  label: string,
  extraFlags: readonly string[] = [],
  nodeFlags: readonly string[] = [],
): ServerCommand {
  const workerFlags = workers > 1 ? ['--workers', String(workers)] : [];
  const compressFlags = detectServeFeatures().compress ? ['--compress'] : [];
  return {
    name: label,
    command: process.execPath,
    args: [
      ...nodeFlags,
      CDN_INCLUDE_MAIN,
      'serve',
      setup.siteRoot,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      ...workerFlags,
      ...compressFlags,
      ...extraFlags,
    ],
    port,
    logFile: path.join(setup.workDir, `${label.replace(/\W+/g, '-')}.log`),
    // The access log (one line per request) is discarded, as the other servers write theirs to /dev/null.
    discardStdout: true,
  };
}
