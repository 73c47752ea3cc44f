// `--git-times`: asks git, in three commands for the whole tree, when each clean tracked file of the docroot last
// changed, and stats those files, so GitTimesFileSource can report commit times instead of checkout times.

import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { GitFileTime, GitFileTimes } from '../engine/git-times-file-source';
import { runGit } from './git-process';

/** The docroot's commit times, and the clock a reproducible build uses. */
export interface GitTimesResult {
  times: GitFileTimes;
  /** Committer time of HEAD, epoch ms. */
  headMs: number;
  /** Docroot paths git reports modified, deleted or untracked (ignored ones not counted): they keep their mtimes. */
  changed: string[];
}

/**
 * Reads the commit times of the docroot `root`; a docroot outside any git work tree, or no git, is an Error
 * whose message is one line for the user.
 */
export async function readGitFileTimes(root: string): Promise<GitTimesResult> {
  const realRoot = realpathSync(root);
  // The docroot's path inside the repository ('site/'), as log and status name files from the top.
  const top = (await git(['rev-parse', '--show-prefix'], realRoot)).trimEnd();
  const head = Number((await git(['log', '-1', '--format=%ct', 'HEAD'], realRoot)).trim()) * 1000;
  const tracked = parseNulList(await git(['ls-files', '-z', '--', '.'], realRoot));
  // One pass over the history, newest first. --first-parent with merges diffed against their first parent
  // dates a change from when it reached this branch; --no-renames dates a renamed file from its rename.
  const log = await git(
    [
      'log',
      '--first-parent',
      '--diff-merges=first-parent',
      '--no-renames',
      '--format=%x01%ct',
      '--name-only',
      '-z',
      '--',
      '.',
    ],
    realRoot,
  );
  // Stat before asking for the status: a file changed after its stat either shows as modified or has a new mtime.
  const commitTimes = latestCommitTimes(log, top);
  const stats = new Map(tracked.map((file) => [file, statOf(path.join(realRoot, file))]));
  const status = await git(
    ['status', '--porcelain', '-z', '--untracked-files=all', '--ignored', '--', '.'],
    realRoot,
  );
  const entries = parseStatusEntries(status, top);
  const dirty = new Set(entries.map((entry) => entry.path));
  return {
    times: assembleTimes(tracked, commitTimes, stats, dirty, realRoot),
    headMs: head,
    changed: entries.filter((entry) => !entry.ignored).map((entry) => entry.path),
  };
}

/** Runs git and returns its output, or throws an Error with a one-line message. */
async function git(args: string[], cwd: string): Promise<string> {
  const result = await runGit(args, cwd);
  if (!result.ok) throw new Error(`--git-times: ${result.message}`);
  return result.stdout;
}

/** Splits NUL-terminated output (`-z`) into its items. */
export function parseNulList(text: string): string[] {
  return text.split('\0').filter((item) => item !== '');
}

/**
 * From `git log --format=%x01%ct --name-only -z` output (newest first), the newest commit time of each path,
 * in epoch ms, keyed by path relative to the docroot (`prefix` is the docroot's path in the repository).
 */
export function latestCommitTimes(log: string, prefix: string): Map<string, number> {
  const times = new Map<string, number>();
  let current: number | undefined;
  for (const raw of log.split('\0')) {
    // The first name after a commit line follows the newline that ends the format.
    const item = raw.startsWith('\n') ? raw.slice(1) : raw;
    if (item.startsWith('\x01')) {
      current = Number(item.slice(1)) * 1000;
      continue;
    }
    if (item === '' || current === undefined || !item.startsWith(prefix)) continue;
    const relative = item.slice(prefix.length);
    if (!times.has(relative)) times.set(relative, current);
  }
  return times;
}

/** One path of `git status`, relative to the docroot. */
export interface StatusEntry {
  path: string;
  /** Ignored by .gitignore (`!!`): not part of the commit, yet not a change to it either. */
  ignored: boolean;
}

/**
 * The docroot-relative paths in `git status --porcelain -z` output: modified, staged, deleted, untracked and
 * ignored entries alike (a rename or copy names its source as well).
 */
export function parseStatusEntries(status: string, prefix: string): StatusEntry[] {
  const items = status.split('\0');
  const entries: StatusEntry[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (item.length < 4) continue;
    const code = item.slice(0, 2);
    entries.push({ path: item.slice(3), ignored: code === '!!' });
    // Porcelain v1 -z: a rename or copy is followed by its source path as a field of its own.
    if (code.includes('R') || code.includes('C'))
      entries.push({ path: items[++index] ?? '', ignored: false });
  }
  return entries
    .filter((entry) => entry.path.startsWith(prefix) && entry.path.length > prefix.length)
    .map((entry) => ({ ...entry, path: entry.path.slice(prefix.length).replace(/\/$/, '') }));
}

/**
 * The map GitTimesFileSource reads: each clean tracked file with its commit time and stat, and each folder whose
 * whole subtree is clean with its newest file's commit time.
 */
export function assembleTimes(
  tracked: readonly string[],
  commitTimes: ReadonlyMap<string, number>,
  stats: ReadonlyMap<string, StatSnapshot | undefined>,
  dirty: ReadonlySet<string>,
  realRoot: string,
): Map<string, GitFileTime> {
  const times = new Map<string, GitFileTime>();
  const folders = new Map<string, number>();
  // A folder holding anything git does not vouch for keeps its mtime: an untracked file's arrival is a change.
  const dirtyFolders = new Set<string>();
  for (const file of dirty) for (const folder of [file, ...ancestors(file)]) dirtyFolders.add(folder);
  for (const file of tracked) {
    const commitMs = commitTimes.get(file);
    const stat = stats.get(file);
    if (commitMs === undefined || stat === undefined || stat.isDirectory || dirty.has(file)) continue;
    times.set(`/${file}`, { commitMs, size: stat.size, mtimeMs: stat.mtimeMs, isDirectory: false });
    for (const folder of ancestors(file)) folders.set(folder, Math.max(folders.get(folder) ?? 0, commitMs));
  }
  for (const [folder, commitMs] of folders) {
    if (dirtyFolders.has(folder)) continue;
    const stat = statOf(path.join(realRoot, folder));
    if (stat?.isDirectory)
      times.set(folder === '' ? '/' : `/${folder}`, { commitMs, ...stat, isDirectory: true });
  }
  return times;
}

/** What `assembleTimes` needs of a stat. */
export interface StatSnapshot {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** The folders above a relative path, the docroot ('') included: `a/b/c` → `a/b`, `a`, ''. */
function ancestors(file: string): string[] {
  const folders: string[] = [];
  for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1))
    folders.push(file.slice(0, slash));
  folders.push('');
  return folders;
}

function statOf(file: string): StatSnapshot | undefined {
  try {
    const stats = statSync(file);
    return { size: stats.size, mtimeMs: stats.mtimeMs, isDirectory: stats.isDirectory() };
  } catch {
    return undefined;
  }
}
