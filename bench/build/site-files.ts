// File helpers of the build benchmark: temp folders, back-dated sources, counting and reading outputs.

import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Sets every file's mtime under `root` to `epochMs`. Generated sources are back-dated so a change made a
 * moment later is always in a later second than the files it replaces, as it would be on a real site.
 */
export function backdateTree(root: string, epochMs: number): void {
  const seconds = epochMs / 1000;
  for (const file of listFiles(root)) utimesSync(file, seconds, seconds);
}

/**
 * How many pages a build wrote: HTML files inside the section folders (`s7/…`). cdn-include also renders its
 * `.shtml` fragments under inc/ as pages of their own (one per section): extra work, not counted as pages.
 */
export function countPages(out: string): number {
  return listFiles(out).filter((file) => /\/s\d+\/.*html$/.test(file.slice(out.length))).length;
}

/** Every file below `root`, depth first. */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Rewrites `file` with `edit` applied to its text; throws when the edit changes nothing (a broken scenario). */
export function editFile(file: string, edit: (text: string) => string): void {
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(file, after);
}

/** Whether `file` exists and contains `text`. */
export function fileContains(file: string, text: string): boolean {
  try {
    return statSync(file).isFile() && readFileSync(file, 'utf8').includes(text);
  } catch {
    return false;
  }
}
