// The soak's site: pages that include every fragment (one of them nested), fragment bytes that carry a version
// marker, and the reading of those markers back out of a served body. Pure but for writeSoakSite.

import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fragments under /inc/; f0 includes f1, so f1 is nested two levels down. */
export const FRAGMENTS = ['f0', 'f1', 'f2', 'f3'] as const;
export type FragmentName = (typeof FRAGMENTS)[number];

/** The pages the load asks for. */
export const PAGES = ['/p0.shtml', '/p1.shtml', '/p2.shtml', '/p3.shtml'];

/** A fragment's version on disk, or 'missing' when it is deleted (or hidden by a deleted outer fragment). */
export type FragmentState = number | 'missing';
export type FragmentSet = Record<FragmentName, FragmentState>;

/** Where a fragment lives, relative to the docroot. */
export function fragmentFile(name: FragmentName): string {
  return name === 'f0' ? 'inc/f0.shtml' : `inc/${name}.html`;
}

/**
 * A fragment's bytes at `version`. The version is zero-padded, so a new version often has exactly the old size:
 * with an older mtime, only the bytes (and the inode) tell the change apart, as after `rsync -t`.
 */
export function fragmentBytes(name: FragmentName, version: number): string {
  const marker = `<!--v:${name}:${String(version).padStart(6, '0')}-->`;
  const nested = name === 'f0' ? '<!--#include virtual="/inc/f1.html" -->' : '';
  return `<div class="${name}">${marker}text of ${name}${nested}</div>\n`;
}

/** Writes the site with every fragment at version 0, all files dated `mtimeMs`. */
export function writeSoakSite(root: string, mtimeMs: number): void {
  mkdirSync(join(root, 'inc'), { recursive: true });
  const files: string[] = [];
  for (const name of FRAGMENTS) {
    writeFileSync(join(root, fragmentFile(name)), fragmentBytes(name, 0));
    files.push(fragmentFile(name));
  }
  for (const [index, page] of PAGES.entries()) {
    const includes = ['f0', 'f2', 'f3'].map(
      (name) => `<!--#include virtual="/${fragmentFile(name as FragmentName)}" -->`,
    );
    writeFileSync(
      join(root, page),
      `<html><body><h1>page ${index}</h1>\n${includes.join('\n')}\n</body></html>\n`,
    );
    files.push(page.slice(1));
  }
  for (const file of files) utimesSync(join(root, file), mtimeMs / 1000, mtimeMs / 1000);
}

/** What a page shows for a set of fragments on disk: a deleted f0 hides f1, whose include it held. */
export function visibleSet(onDisk: FragmentSet): FragmentSet {
  return { ...onDisk, f1: onDisk.f0 === 'missing' ? 'missing' : onDisk.f1 };
}

/** A canonical key of a fragment set, for comparing sets. */
export function setKey(set: FragmentSet): string {
  return FRAGMENTS.map((name) => `${name}=${set[name]}`).join(',');
}

/**
 * The fragment set a served body shows, or undefined when the body shows two versions of one fragment (bytes
 * torn between two states), which no disk state can produce.
 */
export function setShownBy(body: string): FragmentSet | undefined {
  const shown = Object.fromEntries(FRAGMENTS.map((name) => [name, 'missing'])) as FragmentSet;
  for (const match of body.matchAll(/<!--v:(f\d):(\d+)-->/g)) {
    const name = match[1] as FragmentName;
    const version = Number(match[2]);
    if (shown[name] !== 'missing' && shown[name] !== version) return undefined;
    shown[name] = version;
  }
  return shown;
}
