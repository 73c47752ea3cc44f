// The house layering, enforced: each folder imports only the layers before it, and nothing runs code from text.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '../../../src');

/** The only file allowed to start a child process. */
const GIT_PROCESS = 'cli/git-process.ts';

/**
 * Which src/ folders each layer may import (besides itself), shared with the linter's `no-restricted-imports`.
 * fields (HTTP field syntax), ssi (the language) and hashing (the rendezvous hash) import nothing; the engine builds
 * on the first two; asset hosts (assignment and the byte-exact rewrite) on the hash and the engine's types; the
 * origin server and the site build are two programs over the engine, both rewriting through asset hosts; the mirror
 * prober reads what the site build publishes and the server asks it which mirrors hold a path; the `check` auditor
 * and the purge client are HTTP clients that know only field syntax (the auditor also asset hosts' reading); the
 * CLI wires them all.
 */
const ALLOWED: Record<string, string[]> = JSON.parse(readFileSync(join(__dirname, 'layers.json'), 'utf8'));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(folder, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(folder, entry.name)]
        : [],
  );
}

/** Source text without comments, so an `@example` may show console output. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const files = sourceFiles(SRC).map((file) => ({
  file: relative(SRC, file),
  text: code(readFileSync(file, 'utf8')),
}));

/** The src/ files a file imports, by relative path (type-only imports included: they bind the modules too). */
function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(/from '(\.[^']+)'/g)].map(
    (match) => relative(SRC, join(SRC, file, '..', match[1])) + '.ts',
  );
}

/** Every import cycle among src/ files, each as the chain of files that closes it. */
function importCycles(): string[][] {
  const graph = new Map(
    files.map(({ file, text }) => [file, importsOf(file, text).filter((target) => target !== 'index.ts')]),
  );
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, chain: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...chain.slice(chain.indexOf(file)), file]);
      return;
    }
    state.set(file, 'open');
    for (const target of graph.get(file) ?? []) visit(target, [...chain, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}

describe('layers', () => {
  it('names a layer for every src/ folder', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(folders.map((entry) => entry.name).filter((name) => !(name in ALLOWED))).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles()).toEqual([]);
  });

  it.each(files.filter(({ file }) => file.includes('/')).map(({ file, text }) => [file, text]))(
    '%s › imports only earlier layers',
    (file, text) => {
      const layer = file.split('/')[0];
      const imported = [...text.matchAll(/from '(\.[^']+)'/g)].map(
        (match) => relative(SRC, join(SRC, file, '..', match[1])).split('/')[0],
      );
      const foreign = imported.filter((target) => target !== layer && !ALLOWED[layer].includes(target));
      expect(foreign).toEqual([]);
    },
  );

  it.each(
    files
      .filter(({ file }) => file.startsWith('ssi/') || file.startsWith('fields/'))
      .map(({ file, text }) => [file, text]),
  )('%s › the language and field-syntax layers do no I/O', (_file, text) => {
    expect(text).not.toMatch(/from '(node:)?(fs|fs\/promises|http|https|child_process)'|from 'koa'/);
  });

  it.each(files.map(({ file, text }) => [file, text]))(
    '%s › no eval, no new Function, no shell',
    (file, text) => {
      expect(text).not.toMatch(/\beval\(|new Function\(/);
      // One file may start a process (git, for --git-times): by file name with an argument array, never a shell.
      if (file === GIT_PROCESS) {
        expect(text).toMatch(/import \{ execFile \} from 'node:child_process'/);
        expect(text).not.toMatch(/\bexec\(|execSync|spawnSync|shell:/);
      } else expect(text).not.toMatch(/child_process/);
    },
  );

  it.each(files.filter(({ file }) => !file.startsWith('cli/')).map(({ file, text }) => [file, text]))(
    '%s › library code never writes to the console or exits the process',
    (_file, text) => {
      expect(text).not.toMatch(/console\.|process\.exit|process\.stdout|process\.stderr/);
    },
  );
});
