// Test helper: the package as JavaScript, for integration tests that start the CLI as a real process (cluster
// workers must run JavaScript) without depending on `npm run build` having been run.
//
// Transpiled file by file (tsconfig sets isolatedModules, so each file compiles alone; types are checked by the
// `tsc --noEmit` of `npm test`), into a folder named by a hash of the sources: files of the same run and later runs
// on unchanged sources reuse it, and any change to a source or tsconfig gives a folder of its own.

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
  writeFileSync,
} from 'node:fs';

import { dirname, join, relative } from 'node:path';

const PACKAGE_ROOT = join(__dirname, '../..');
const SOURCES = join(PACKAGE_ROOT, 'src');
const BUILD_CONFIG = join(PACKAGE_ROOT, 'tsconfig.build.json');
// Inside node_modules, so the compiled files resolve koa and the other dependencies of the package.
const CACHE = join(PACKAGE_ROOT, 'node_modules/.cache');
const PREFIX = 'cdn-include-dist-';
/** Written last, so a folder interrupted while being filled is never taken for a complete one. */
const COMPLETE = '.complete';
/** Folders of other source versions older than this are deleted when a new one is made. */
const STALE_MS = 60 * 60 * 1000;

/** Every `.ts` file under `folder`, as absolute paths in a stable order. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The installed TypeScript's version, read without loading the compiler. */
function compilerVersion(): string {
  const manifest = JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** A hash of what the output depends on: each source's path and bytes, both tsconfigs, the compiler version. */
function sourcesHash(files: string[], compilerVersion: string): string {
  const hash = createHash('sha256').update(compilerVersion);
  for (const file of [...files, BUILD_CONFIG, join(PACKAGE_ROOT, 'tsconfig.json')])
    hash.update(`\0${relative(PACKAGE_ROOT, file)}\0`).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The compiled package for the sources as they are now: `cli/main.js` in the returned folder is the command.
 * Compiles only when no complete folder exists for these sources yet.
 */
export async function compiledPackage(): Promise<string> {
  const files = sourceFiles(SOURCES);
  const outDir = join(CACHE, PREFIX + sourcesHash(files, compilerVersion()));
  if (existsSync(join(outDir, COMPLETE))) return outDir;
  // Loaded only to compile: loading the compiler costs about a second.
  const ts = await import('typescript');
  mkdirSync(CACHE, { recursive: true });
  const scratch = mkdtempSync(join(CACHE, 'cdn-include-compiling-'));
  const config = ts.getParsedCommandLineOfConfigFile(
    BUILD_CONFIG,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${BUILD_CONFIG}`);
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { ...config.options, declaration: false, sourceMap: false },
      fileName: file,
    });
    const target = join(scratch, relative(SOURCES, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(scratch, COMPLETE), '');
  try {
    renameSync(scratch, outDir);
  } catch {
    // Another test file compiled the same sources first: its folder is as good as this one.
    rmSync(scratch, { recursive: true, force: true });
  }
  removeStaleFolders(outDir);
  return outDir;
}

/** Deletes compiled folders of other source versions (and abandoned scratch folders) not touched for an hour. */
function removeStaleFolders(keep: string): void {
  for (const name of readdirSync(CACHE)) {
    const folder = join(CACHE, name);
    if (folder === keep || !(name.startsWith(PREFIX) || name.startsWith('cdn-include-compiling-'))) continue;
    if (Date.now() - statSync(folder).mtimeMs > STALE_MS) rmSync(folder, { recursive: true, force: true });
  }
}
