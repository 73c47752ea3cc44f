// Copies the corpus into a temp docroot both servers serve: world-readable, with every mtime fixed.
// Only the copy is touched; the working tree (where colleagues edit) keeps its files and mtimes.

import { chmodSync, cpSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

/** The mtime every corpus file and folder gets unless mtimes.json names it. */
export const CORPUS_MTIME = new Date('2025-03-04T10:15:30Z');

/** Per-file mtime exceptions, keyed by docroot path: `{ "/group/_inc/old.html": "2020-01-01T00:00:00Z" }`. */
export type MtimeExceptions = Record<string, string>;

/** Reads mtimes.json; a missing file means no exceptions. Throws on bad JSON or a date that does not parse. */
export function readMtimeExceptions(file: string): MtimeExceptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file}: expected an object { "/path": "ISO date" }`);
  }
  const exceptions: MtimeExceptions = {};
  for (const [path, date] of Object.entries(parsed)) {
    if (typeof date !== 'string' || Number.isNaN(Date.parse(date)) || !path.startsWith('/')) {
      throw new Error(
        `${file}: entry ${JSON.stringify(path)} needs a path starting with '/' and an ISO date`,
      );
    }
    exceptions[path] = date;
  }
  return exceptions;
}

/**
 * Copies `corpus` into `docroot` (which must exist), makes it readable by Apache's unprivileged child processes,
 * and sets every mtime: folders and files get CORPUS_MTIME, except the paths listed in `exceptions`.
 */
export function prepareDocroot(corpus: string, docroot: string, exceptions: MtimeExceptions): void {
  cpSync(corpus, docroot, { recursive: true });
  const unknown = new Set(Object.keys(exceptions));
  walk(docroot, '', (path, isDirectory) => {
    chmodSync(join(docroot, path), isDirectory ? 0o755 : 0o644);
    unknown.delete(path);
  });
  if (unknown.size > 0) {
    throw new Error(`mtimes.json names paths that are not in the corpus: ${[...unknown].join(', ')}`);
  }
  // File mtimes first, folders afterwards (children first), so nothing written later moves a folder's mtime.
  walk(docroot, '', (path) => {
    const date = exceptions[path] ? new Date(exceptions[path]) : CORPUS_MTIME;
    utimesSync(join(docroot, path), date, date);
  });
  chmodSync(docroot, 0o755);
  utimesSync(docroot, CORPUS_MTIME, CORPUS_MTIME);
}

/** Visits every entry below `root` depth first, children before their folder; paths start with '/'. */
function walk(root: string, path: string, visit: (path: string, isDirectory: boolean) => void): void {
  for (const entry of readdirSync(join(root, path), { withFileTypes: true })) {
    const child = `${path}/${entry.name}`;
    if (entry.isDirectory()) walk(root, child, visit);
    visit(child, entry.isDirectory());
  }
}
