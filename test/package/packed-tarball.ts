// Test helper: the tarball `npm pack` makes of the repository as it is (dist/ as last built), and its files
// unpacked, as a user's `npm install` gets them.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository, which `npm pack` packs. */
export const REPOSITORY = join(__dirname, '../..');

/** A packed tarball: where it is, the paths it holds, and the folder it was unpacked into. */
export interface PackedTarball {
  /** Absolute path of the .tgz file. */
  tarball: string;
  /** Every file's path inside the package, as `npm pack --json` lists them. */
  files: string[];
  /** The unpacked package (the tarball's `package/` folder). */
  unpacked: string;
  /** The folder holding the tarball and the unpacked copy; the caller removes it. */
  folder: string;
}

/**
 * Packs the repository with `npm pack` and unpacks the tarball. Scripts are skipped (`prepare` would build again):
 * `npm run test:package` builds first.
 */
export async function packTarball(): Promise<PackedTarball> {
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', folder], {
    cwd: REPOSITORY,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const unpacked = join(folder, 'unpacked');
  mkdirSync(unpacked);
  const tarball = join(folder, packed.filename);
  await run('tar', ['-xzf', tarball, '-C', unpacked]);
  return {
    tarball,
    files: packed.files.map((file) => file.path),
    unpacked: join(unpacked, 'package'),
    folder,
  };
}
