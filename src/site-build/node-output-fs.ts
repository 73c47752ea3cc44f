// The node:fs adapter of OutputFs: maps docroot paths into a real output folder and writes files atomically,
// through temporary files named so that the next build can recognise and remove those a killed build left.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeAtomically, writeAtomicallySync } from './atomic-write';
import { type OutputFileInfo, type OutputFs } from './output-fs';

/** Where the manifest lives unless told otherwise: a dotfile, which cdn-include never serves. */
export const DEFAULT_MANIFEST_NAME = '.cdn-include-manifest.json';

/** Options of NodeOutputFs. */
export interface NodeOutputFsOptions {
  /** The manifest file. @default `<out>/.cdn-include-manifest.json` */
  manifestFile?: string;
  /**
   * Write pages with blocking system calls instead of through the thread pool: for a render thread, which has
   * nothing else to do meanwhile, each trip through the pool costs more than the call. @default false
   */
  blocking?: boolean;
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
  /** Output folders made (or found) by this instance: each is created once, not once per page in it. */
  private readonly folders = new Set<string>();
  /** Names this instance's temporary files: its own random part, then a count. */
  private readonly temporaries = {
    prefix: `.cdn-include-${process.pid}-${randomBytes(6).toString('hex')}`,
    count: 0,
  };
  private readonly blocking: boolean;

  /** @param out the output folder. */
  constructor(
    private readonly out: string,
    options: NodeOutputFsOptions = {},
  ) {
    this.manifestFile = options.manifestFile ?? join(out, DEFAULT_MANIFEST_NAME);
    this.blocking = options.blocking ?? false;
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
    // The temporary file goes in the page's own folder: a rename across folders takes the file system's one
    // rename lock (Linux's s_vfs_rename_mutex), which made the render threads wait for each other.
    const folder = dirname(file);
    const temporary = this.temporaryIn(folder);
    if (this.blocking) {
      this.prepareFolderSync(folder);
      return writeAtomicallySync(file, temporary, bytes, mtimeMs);
    }
    await this.prepareFolder(folder);
    return writeAtomically(file, temporary, bytes, mtimeMs);
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
    // Folders may go now: the next write into one makes it again.
    this.folders.clear();
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
    const folder = dirname(this.manifestFile);
    await mkdir(folder, { recursive: true });
    await writeAtomically(this.manifestFile, this.temporaryIn(folder), Buffer.from(text, 'utf8'), undefined);
  }

  /** A fresh temporary file name in `folder`, which must be on the output's file system. */
  private temporaryIn(folder: string): string {
    return join(folder, `${this.temporaries.prefix}${(this.temporaries.count++).toString(16)}.tmp`);
  }

  /**
   * Makes `folder` on its first write by this instance, and removes what killed builds left in it: they wrote
   * their temporary files beside the pages they were writing, which the next build writes again.
   */
  private async prepareFolder(folder: string): Promise<void> {
    if (this.folders.has(folder)) return;
    await mkdir(folder, { recursive: true });
    await removeStaleTemporaries(folder);
    this.folders.add(folder);
  }

  private prepareFolderSync(folder: string): void {
    if (this.folders.has(folder)) return;
    mkdirSync(folder, { recursive: true });
    for (const name of staleTemporaries(readdirSync(folder))) unlinkQuietlySync(join(folder, name));
    this.folders.add(folder);
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

/** Temporary files: `.cdn-include-<pid>-<random><count>.tmp`, so the pid tells whether their writer still runs. */
const TEMPORARY_NAME = /^\.cdn-include-([0-9]+)-[0-9a-f]+\.tmp$/;

/** Removes the temporary files in `folder` whose writing process is gone; those of a running build stay. */
async function removeStaleTemporaries(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  for (const name of staleTemporaries(names)) await unlink(join(folder, name)).catch(() => undefined);
}

/** The names of temporary files among `names` whose writing process is gone. */
function staleTemporaries(names: readonly string[]): string[] {
  return names.filter((name) => {
    const pid = TEMPORARY_NAME.exec(name)?.[1];
    return pid !== undefined && !isRunning(Number(pid));
  });
}

function unlinkQuietlySync(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Removed meanwhile by another build's sweep.
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
