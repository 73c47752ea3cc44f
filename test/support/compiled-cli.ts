// Test helper: the package compiled into a folder of its own, for integration tests that start the CLI as a real
// process without depending on `npm run build` having been run.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

/** Compiles src/ (tsconfig.build.json) into a new folder and returns it; `cli/main.js` is the command. */
export function compileToTemporaryFolder(): string {
  // Inside node_modules, so the compiled files resolve koa and the other dependencies of the package.
  const cache = join(__dirname, '../../node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, 'cdn-include-dist-'));
  const tsc = join(__dirname, '../../node_modules/typescript/bin/tsc');
  execFileSync(
    process.execPath,
    [tsc, '-p', join(__dirname, '../../tsconfig.build.json'), '--outDir', outDir],
    { stdio: 'ignore' },
  );
  return outDir;
}
