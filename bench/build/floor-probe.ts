// A child process of the build bench (build-floors.ts) that measures one thing a build cannot avoid, in a fresh
// process as a build is one, and prints it as JSON:
//   node floor-probe.js manifest FILE          reading and parsing a build manifest
//   node floor-probe.js stats ROOT FILE        one stat per source file the manifest names, under ROOT
//   node floor-probe.js create FOLDER N BYTES  N files written into a fresh FOLDER
//   node floor-probe.js replace FOLDER N BYTES the N files of `create` written again over themselves
// Files are written as a build writes its pages: a temporary file beside each, then a rename over it. `replace`
// first flushes everything to the disk (`sync`), as a rebuild finds the files of a build that ended minutes or
// days ago: replacing a file the kernel has not written out yet costs far less.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folders the written files are spread over, as the bench site spreads its pages over sections. */
const FOLDERS = 100;

function main(args: string[]): unknown {
  const [what, ...rest] = args;
  if (what === 'manifest' && rest[0] !== undefined) return { ms: timed(() => readManifest(rest[0]!)) };
  if (what === 'stats' && rest[0] !== undefined && rest[1] !== undefined) {
    const paths = sourcePaths(readManifest(rest[1]));
    const root = rest[0];
    return { files: paths.length, ms: timed(() => paths.forEach((path) => statSync(join(root, path)))) };
  }
  if ((what === 'create' || what === 'replace') && rest.length === 3) {
    const [folder, count, bytes] = [rest[0]!, Number(rest[1]), Number(rest[2])];
    const body = Buffer.alloc(bytes, 'x');
    if (what === 'replace') execFileSync('sync');
    return { ms: timed(() => writeFiles(folder, count, body, what === 'create')) };
  }
  throw new Error('usage: floor-probe manifest FILE | stats ROOT FILE | create|replace FOLDER N BYTES');
}

function readManifest(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Every docroot path a version-2 manifest names: its pages, its copied files and its sources table. */
function sourcePaths(manifest: unknown): string[] {
  const { pages, files, sources } = manifest as {
    pages: Record<string, unknown>;
    files: Record<string, unknown>;
    sources: Array<[string, ...unknown[]]>;
  };
  return [...new Set([...Object.keys(pages), ...Object.keys(files), ...sources.map(([path]) => path)])];
}

function writeFiles(folder: string, count: number, body: Buffer, fresh: boolean): void {
  for (let index = 0; index < count; index++) {
    const sub = join(folder, `s${index % FOLDERS}`);
    if (fresh && index < FOLDERS) mkdirSync(sub, { recursive: true });
    const file = join(sub, `page-${index}.html`);
    writeFileSync(`${file}.tmp`, body);
    renameSync(`${file}.tmp`, file);
  }
}

function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

process.stdout.write(`${JSON.stringify(main(process.argv.slice(2)))}\n`);
