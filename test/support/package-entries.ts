// Test helper: the package's entries (package.json "exports") and the names each one's source exports, read with
// TypeScript's parser, so the public-API tests pin the list and the package tests check it through Node.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const SRC = join(__dirname, '../../src');

/** Each package entry, by the specifier a user imports, and the src/ file it is compiled from. */
export const PACKAGE_ENTRIES = {
  'cdn-include': 'index.ts',
  'cdn-include/check': 'check/index.ts',
  'cdn-include/purge': 'purge/index.ts',
} as const;

export type PackageEntry = keyof typeof PACKAGE_ENTRIES;

/**
 * The names an entry's source exports, sorted, each marked `type ` when it exists only for TypeScript. Throws if
 * the entry holds anything but named re-exports: no logic, and no `export *` that would hide the list.
 */
export function exportedNames(entry: PackageEntry): string[] {
  const file = PACKAGE_ENTRIES[entry];
  const source = ts.createSourceFile(file, readFileSync(join(SRC, file), 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) throw new Error(`${file}: only re-exports, no logic`);
    if (statement.exportClause === undefined || !ts.isNamedExports(statement.exportClause)) {
      throw new Error(`${file}: no 'export *', so the list stays visible`);
    }
    for (const element of statement.exportClause.elements) {
      const typeOnly = statement.isTypeOnly || element.isTypeOnly;
      names.push(`${typeOnly ? 'type ' : ''}${element.name.text}`);
    }
  }
  const bare = (name: string): string => name.replace(/^type /, '');
  return names.sort((a, b) => bare(a).localeCompare(bare(b)));
}

/** The names an entry exports at run time (its values: functions, classes), sorted by code unit. */
export function runtimeNames(entry: PackageEntry): string[] {
  return exportedNames(entry)
    .filter((name) => !name.startsWith('type '))
    .sort();
}
