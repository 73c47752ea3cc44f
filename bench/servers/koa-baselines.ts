// Commands for the two bench-only Koa baselines (bench/koa-baseline-server.ts): constant Buffers, koa-static.

import path from 'node:path';
import type { ServerCommand } from '../server-process';
import type { ServerSetup } from './server-setup';

/** The Koa baseline in `mode`, run from the compiled bench folder with the same node as the bench. */
export function koaBaselineServer(
  setup: ServerSetup,
  port: number,
  mode: 'constant' | 'static',
): ServerCommand {
  return {
    name: `koa ${mode}`,
    command: process.execPath,
    args: [path.join(__dirname, '..', 'koa-baseline-server.js'), mode, String(port), setup.siteRoot],
    port,
    logFile: path.join(setup.workDir, `koa-${mode}.log`),
  };
}
