// The node:fs adapter of OutputFs: maps docroot paths into a real output folder and writes files atomically,
// through temporary files named so that the next build can recognise and remove those a killed build left.

import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rmdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type OutputFileInfo, type OutputFs } from './output-fs';

/** Where the manifest lives unless told otherwise: a dotfile, which cdn-include never serves. */
export const DEFAULT_MANIFEST_NAME = '.cdn-include-manifest.json';

/** Options of NodeOutputFs. */
export interface NodeOutputFsOptions {
  /** The manifest file. @default `<out>/.cdn-include-manifest.json` */
  manifestFile?: string;
}

/**
 * Writes the built site into a real folder, created when missing.
 *
 * @example
 * const output = new NodeOutputFs('/srv/dist');
 */
export class NodeOutputFs implements OutputFs {
  private readonly manifestFile: string;
  /** Set once the leftovers of earlier, killed builds are gone; every write waits for it. */
  private swept: Promise<void> | undefined;

  /** @param out the output folder. */
  constructor(
    private readonly out: string,
    options: NodeOutputFsOptions = {},
  ) {
    this.manifestFile = options.manifestFile ?? join(out, DEFAULT_MANIFEST_NAME);
  }

  async stat(path: string): Promise<OutputFileInfo | undefined> {
    try {
      const stats = await stat(join(this.out, path));
      return stats.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  statSync(path: string): OutputFileInfo | undefined {
    try {
      const stats = statSync(join(this.out, path), { throwIfNoEntry: false });
      return stats?.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async write(path: string, bytes: Buffer, mtimeMs: number): Promise<OutputFileInfo> {
    const file = join(this.out, path);
    await this.sweepOnce();
    await writeAtomically(file, bytes, mtimeMs, this.out);
    const stats = await stat(file);
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  }

  async read(path: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.out, path));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async remove(path: string): Promise<void> {
    try {
      await unlink(join(this.out, path));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    await this.removeEmptyFolders(dirname(path));
  }

  async readManifest(): Promise<string | undefined> {
    // A build starts here, and one that finds nothing to write must still clear what killed builds left.
    await this.sweepOnce();
    try {
      return await readFile(this.manifestFile, 'utf8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async writeManifest(text: string): Promise<void> {
    await this.sweepOnce();
    await writeAtomically(
      this.manifestFile,
      Buffer.from(text, 'utf8'),
      undefined,
      dirname(this.manifestFile),
    );
  }

  /** Removes the temporary files of builds that were killed (`kill -9`) before they could remove them. */
  private sweepOnce(): Promise<void> {
    this.swept ??= Promise.all([
      removeStaleTemporaries(this.out),
      removeStaleTemporaries(dirname(this.manifestFile)),
    ]).then(() => undefined);
    return this.swept;
  }

  /** Removes the folders a removal left empty, up to (not including) the output folder. */
  private async removeEmptyFolders(directory: string): Promise<void> {
    for (let current = directory; current !== '/' && current !== '.'; current = dirname(current)) {
      try {
        await rmdir(join(this.out, current));
      } catch {
        // Not empty (or already gone): the folders above are not empty either.
        return;
      }
    }
  }
}

/** Temporary files: `.cdn-include-<pid>-<random>.tmp`, so the pid tells whether their writer still runs. */
const TEMPORARY_NAME = /^\.cdn-include-([0-9]+)-[0-9a-f]+\.tmp$/;

/**
 * Writes a hidden temporary file in `temporaryFolder` (on the same file system, so the rename is atomic), sets its
 * mtime, then renames it into place. A missing folder is made when a step fails for want of it, not before every
 * file: a build writes thousands of files into a few folders, and two mkdirs per file were a tenth of its time.
 */
async function writeAtomically(
  file: string,
  bytes: Buffer,
  mtimeMs: number | undefined,
  temporaryFolder: string,
): Promise<void> {
  const temporary = join(
    temporaryFolder,
    `.cdn-include-${process.pid}-${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await inFolder(temporaryFolder, () => writeFile(temporary, bytes));
    // Seconds as a number, not a Date, which would cut the time to whole milliseconds.
    if (mtimeMs !== undefined) await utimes(temporary, mtimeMs / 1000, mtimeMs / 1000);
    await inFolder(dirname(file), () => rename(temporary, file));
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}

/** Runs `step`, and once more after making `folder` when it failed because the folder (or one above) is missing. */
async function inFolder(folder: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(folder, { recursive: true });
    await step();
  }
}

/** Removes the temporary files in `folder` whose writing process is gone; those of a running build stay. */
async function removeStaleTemporaries(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  for (const name of names) {
    const pid = TEMPORARY_NAME.exec(name)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) await unlink(join(folder, name)).catch(() => undefined);
  }
}

/** Whether a process with this id exists (signal 0 checks without sending anything). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
