// Test helper: a real docroot in a temp folder, with mtimes set explicitly (never by sleeping).

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Epoch seconds for a fixed day, so tests read naturally: `at(3600)` is one hour into it. */
export const BASE_SECONDS = Date.UTC(2024, 0, 15, 12, 0, 0) / 1000;
export const at = (offsetSeconds: number): number => BASE_SECONDS + offsetSeconds;

/** A temporary docroot. */
export class TempSite {
  readonly root = mkdtempSync(join(tmpdir(), 'cdn-include-'));

  /** Writes a file (creating folders) and sets its mtime to `mtimeSeconds` (epoch seconds). */
  write(path: string, content: string | Buffer, mtimeSeconds: number = at(0)): this {
    const full = this.path(path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    this.touch(path, mtimeSeconds);
    return this;
  }

  /** Sets a file's or folder's mtime (epoch seconds), like `touch -d`. */
  touch(path: string, mtimeSeconds: number): this {
    utimesSync(this.path(path), mtimeSeconds, mtimeSeconds);
    return this;
  }

  path(path: string): string {
    return join(this.root, path);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
