// Test helper: the package compiled as `npm run build` compiles it, for integration tests that start the CLI as a
// real process (cluster workers must run JavaScript) or load the build as a user would, without depending on
// `npm run build` having been run.
//
// Compiled once per version of the sources: into a folder named by a hash of src/, the tsconfigs and the compiler
// version, which later test files and later runs reuse. `tsc --noCheck` emits what the build emits without checking
// types again (`npm test` checks them first).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const PACKAGE_ROOT = join(__dirname, '../..');
const BUILD_CONFIG = join(PACKAGE_ROOT, 'tsconfig.build.json');
const TSC = join(PACKAGE_ROOT, 'node_modules/typescript/bin/tsc');
// Inside node_modules, so the compiled files resolve koa and the other dependencies of the package.
const CACHE = join(PACKAGE_ROOT, 'node_modules/.cache');
const PREFIX = 'cdn-include-dist-';
const SCRATCH_PREFIX = 'cdn-include-compiling-';
/** Folders of other source versions, and abandoned scratch folders and locks, older than this are deleted. */
const STALE_MS = 60 * 60 * 1000;
/** A lock older than this belongs to a test run that died while compiling. */
const STALE_LOCK_MS = 2 * 60 * 1000;

/** Every file under `folder`, as absolute paths in a stable order. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A hash of what the build depends on: each source's path and bytes, the tsconfigs, the compiler version. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...filesUnder(join(PACKAGE_ROOT, 'src')),
    BUILD_CONFIG,
    join(PACKAGE_ROOT, 'tsconfig.json'),
    join(PACKAGE_ROOT, 'node_modules/typescript/package.json'),
  ];
  for (const file of files) hash.update(`\0${relative(PACKAGE_ROOT, file)}\0`).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The compiled package for the sources as they are now; `cli/main.js` in the returned folder is the command. The
 * folder only ever appears complete (a scratch folder renamed into place), and only one test file compiles it
 * while the others wait.
 */
export async function compiledPackage(): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const outDir = join(CACHE, PREFIX + sourcesHash());
  const lock = `${outDir}.lock`;
  while (!existsSync(outDir)) {
    if (takeLock(lock)) {
      try {
        if (!existsSync(outDir)) await compileInto(outDir);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  removeStaleFolders(outDir);
  return outDir;
}

/** Creates `lock` (mkdir is atomic); false while another test file holds it, unless that one died long ago. */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    if (ageMs(lock) > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

async function compileInto(outDir: string): Promise<void> {
  const scratch = mkdtempSync(join(CACHE, SCRATCH_PREFIX));
  try {
    await promisify(execFile)(process.execPath, [TSC, '-p', BUILD_CONFIG, '--noCheck', '--outDir', scratch]);
    renameSync(scratch, outDir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Milliseconds since `path` was last modified; 0 if it is gone. */
function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Deletes compiled folders of other source versions, scratch folders and locks not touched for an hour. */
function removeStaleFolders(keep: string): void {
  for (const name of readdirSync(CACHE)) {
    const folder = join(CACHE, name);
    if (folder === keep || !(name.startsWith(PREFIX) || name.startsWith(SCRATCH_PREFIX))) continue;
    if (ageMs(folder) > STALE_MS) rmSync(folder, { recursive: true, force: true });
  }
}
