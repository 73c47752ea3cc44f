// An in-memory output folder with explicit mtimes, for tests of the build. No real I/O.

import { type OutputFileInfo, type OutputFs } from '../../src/site-build/output-fs';

/** One file held by a MemoryOutputFs. */
export interface MemoryOutputFile {
  bytes: Buffer;
  mtimeMs: number;
}

/**
 * An output folder held in memory; `files` and `manifest` are open for tests to inspect and tamper with.
 *
 * @example
 * const output = new MemoryOutputFs();
 * await buildSite({ source: site, lister: site, output });
 * output.files.get('/index.shtml')?.bytes.toString();
 */
export class MemoryOutputFs implements OutputFs {
  /** The files written, by docroot path. */
  readonly files = new Map<string, MemoryOutputFile>();
  /** The manifest's text; undefined before the first build. */
  manifest: string | undefined;

  async stat(path: string): Promise<OutputFileInfo | undefined> {
    return this.statSync(path);
  }

  statSync(path: string): OutputFileInfo | undefined {
    const file = this.files.get(path);
    return file && { size: file.bytes.length, mtimeMs: file.mtimeMs };
  }

  async write(path: string, bytes: Buffer, mtimeMs: number): Promise<OutputFileInfo> {
    this.files.set(path, { bytes: Buffer.from(bytes), mtimeMs });
    return { size: bytes.length, mtimeMs };
  }

  async read(path: string): Promise<Buffer | undefined> {
    const file = this.files.get(path);
    return file && Buffer.from(file.bytes);
  }

  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }

  async readManifest(): Promise<string | undefined> {
    return this.manifest;
  }

  async writeManifest(text: string): Promise<void> {
    this.manifest = text;
  }
}
