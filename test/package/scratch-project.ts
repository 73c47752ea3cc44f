// Test helper: a scratch project outside the repository that installs the packed tarball the way a user does
// (`npm install ./cdn-include-x.y.z.tgz koa`), as an ES module project or a CommonJS one.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How long one `npm install` may take: packages come from npm's cache, or the registry when not cached. */
const INSTALL_TIMEOUT_MS = 240_000;

/** What a scratch project installs beside the tarball, and how its files are loaded. */
export interface ScratchProjectOptions {
  /** `module` for an ES module project, `commonjs` for a CommonJS one (package.json `type`). */
  type: 'module' | 'commonjs';
  /** Further packages to install, as `npm install` specs (`koa@^2`). */
  packages: string[];
  /** Files to write into the project, by name. */
  files: Record<string, string>;
}

/**
 * Creates a project folder, writes its package.json and files, and installs the tarball and the packages into it.
 * Resolves to the folder; the caller removes it.
 */
export async function createScratchProject(tarball: string, options: ScratchProjectOptions): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), `cdn-include-${options.type}-`));
  const manifest = { name: `scratch-${options.type}`, version: '1.0.0', private: true, type: options.type };
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, content] of Object.entries(options.files)) writeFileSync(join(folder, name), content);
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      tarball,
      ...options.packages,
    ],
    { cwd: folder, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
  );
  return folder;
}
