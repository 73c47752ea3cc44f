// The three builders under test, each described the same way: how to write its site, how to build it, where
// the changed files and one output page are, so the benchmark treats them alike.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ELEVENTY_PATHS, writeEleventySite } from './eleventy-site';
import { HUGO_PATHS, writeHugoSite } from './hugo-site';
import { type SiteShape } from './site-shape';
import { SSI_PATHS, writeSsiSite } from './ssi-site';

/** Paths, relative to a tool's source folder, of the files the incremental runs change. */
export interface ChangePaths {
  footer: string;
  widget: (section: number) => string;
  page: (section: number, index: number) => string;
}

/** One builder. */
export interface BuildTool {
  name: string;
  /** Writes the benchmark site into `source`. */
  writeSite: (source: string, shape: SiteShape) => void;
  /** The command line that builds `source` into `out`. */
  command: (source: string, out: string) => { command: string; args: string[] };
  /** The command line that prints the version. */
  version: { command: string; args: string[] };
  changes: ChangePaths;
  /** Where page `index` of section `section` is written, relative to the output folder. */
  outputPage: (section: number, index: number) => string;
  /** Whether its one-shot command line can rebuild only what changed. */
  incremental: boolean;
}

/** The repository root: the nearest folder above this file with a built CLI (sources or compiled copy). */
function repositoryRoot(): string {
  for (let folder = __dirname; folder !== dirname(folder); folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json')) && existsSync(join(folder, 'dist', 'cli', 'main.js'))) {
      return folder;
    }
  }
  throw new Error('dist/cli/main.js not found: run `npm run build` first');
}

/** This checkout's built CLI, dist/cli/main.js. */
export function cdnIncludeCli(): string {
  return join(repositoryRoot(), 'dist', 'cli', 'main.js');
}

/** cdn-include, Hugo and Eleventy, in the order they are reported. */
export function buildTools(): BuildTool[] {
  const root = repositoryRoot();
  const cli = cdnIncludeCli();
  const eleventy = join(root, 'node_modules', '.bin', 'eleventy');
  return [
    {
      name: 'cdn-include',
      writeSite: writeSsiSite,
      command: (source, out) => ({ command: process.execPath, args: [cli, 'build', source, '--out', out] }),
      version: { command: process.execPath, args: [cli, '--version'] },
      changes: SSI_PATHS,
      outputPage: (section, index) => `s${section}/page-${index}.shtml`,
      incremental: true,
    },
    {
      name: 'Hugo',
      writeSite: writeHugoSite,
      command: (source, out) => ({
        command: 'hugo',
        args: ['--source', source, '--destination', out, '--quiet'],
      }),
      version: { command: 'hugo', args: ['version'] },
      changes: HUGO_PATHS,
      outputPage: (section, index) => `s${section}/page-${index}/index.html`,
      incremental: false,
    },
    {
      name: 'Eleventy',
      writeSite: writeEleventySite,
      command: (source, out) => ({
        command: eleventy,
        args: [`--input=${source}`, `--output=${out}`, '--quiet'],
      }),
      version: { command: eleventy, args: ['--version'] },
      changes: ELEVENTY_PATHS,
      outputPage: (section, index) => `s${section}/page-${index}/index.html`,
      incremental: false,
    },
  ];
}
