// The node:fs adapter of OutputFs: maps docroot paths into a real output folder and writes files atomically.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rmdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputFileInfo, OutputFs } from './output-fs';

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

  async write(path: string, bytes: Buffer, mtimeMs: number): Promise<OutputFileInfo> {
    const file = join(this.out, path);
    await writeAtomically(file, bytes, mtimeMs);
    const stats = await stat(file);
    return { size: stats.size, mtimeMs: stats.mtimeMs };
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
    try {
      return await readFile(this.manifestFile, 'utf8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async writeManifest(text: string): Promise<void> {
    await writeAtomically(this.manifestFile, Buffer.from(text, 'utf8'), undefined);
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

/** Writes a hidden temporary file beside `file`, sets its mtime, then renames it into place. */
async function writeAtomically(file: string, bytes: Buffer, mtimeMs: number | undefined): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, bytes);
    // Seconds as a number, not a Date, which would cut the time to whole milliseconds.
    if (mtimeMs !== undefined) await utimes(temporary, mtimeMs / 1000, mtimeMs / 1000);
    await rename(temporary, file);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
