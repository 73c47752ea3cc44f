// Where the installed package lives (its package.json and demo site) and whether a folder named on the
// command line exists. Paths are resolved from this file's location, never from the working folder.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The package's root folder: two levels above `src/cli/` (ts-jest) or `dist/cli/` (built). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/** The demo SSI site shipped with the package, served when `serve` is given no ROOT. */
export const DEMO_SITE_ROOT = path.join(PACKAGE_ROOT, 'site');

/** Reads `version` from the package's own package.json; `unknown` when there is none to read (a bare copy of dist/). */
export function readPackageVersion(): string {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));
  } catch {
    return 'unknown';
  }
  const version =
    typeof manifest === 'object' && manifest !== null ? Reflect.get(manifest, 'version') : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

/**
 * Describes why `folder` cannot be used as a site folder; undefined when it is an existing directory.
 * @param what - how the folder is named in the message, e.g. `ROOT`
 */
export function describeUnusableFolder(folder: string, what: string): string | undefined {
  try {
    if (statSync(folder).isDirectory()) return undefined;
    return `${what} '${folder}' is not a folder`;
  } catch (err) {
    const code =
      typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown error';
    if (code === 'ENOENT') return `${what} folder '${folder}' does not exist`;
    return `${what} folder '${folder}' cannot be read (${code})`;
  }
}
