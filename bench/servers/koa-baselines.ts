// Commands for the bench-only Koa baselines (bench/koa-baseline-server.ts): constant Buffers, koa-static, and
// constant Buffers with cdn-include's own header fields and an access log.

import path from 'node:path';
import type { ServerCommand } from '../server-process';
import type { ServerSetup } from './server-setup';

/**
 * The Koa baseline in `mode`, run from the compiled bench folder with the same node as the bench; `fields` takes
 * its header fields from the cdn-include at `cdnIncludePort`, which must be running.
 */
export function koaBaselineServer(
  setup: ServerSetup,
  port: number,
  mode: 'constant' | 'static' | 'fields',
  cdnIncludePort?: number,
): ServerCommand {
  const origin = mode === 'fields' ? [`http://127.0.0.1:${cdnIncludePort}`] : [];
  return {
    name: mode === 'fields' ? 'koa same fields + log' : `koa ${mode}`,
    command: process.execPath,
    args: [
      path.join(__dirname, '..', 'koa-baseline-server.js'),
      mode,
      String(port),
      setup.siteRoot,
      ...origin,
    ],
    port,
    logFile: path.join(setup.workDir, `koa-${mode}.log`),
    // Its access log, like cdn-include's, goes where the other servers' go.
    discardStdout: mode === 'fields',
  };
}
