// Hostile-suite helper: a Capistrano-style deploy folder (`releases/1`, `releases/2`, `current` -> one of them)
// whose two releases differ in every file, so a response mixing them is recognised, and an atomic switch.

import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bytes of each fragment: large enough that a render spans several reads. */
const FRAGMENT_BYTES = 64 * 1024;

/** A deploy folder. */
export interface DeploySite {
  folder: string;
  /** The docroot path to serve: the `current` symlink. */
  current: string;
}

/** Makes the two releases (release 2 newer in every file) with `current -> releases/1`. */
export function makeDeploySite(): DeploySite {
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-deploy-'));
  for (const release of [1, 2]) {
    const root = join(folder, 'releases', String(release));
    mkdirSync(join(root, 'inc'), { recursive: true });
    const marker = `[release ${release}]`;
    const fill = marker.repeat(Math.ceil(FRAGMENT_BYTES / marker.length));
    const files: Record<string, string> = {
      'index.shtml': `${marker}<!--#include virtual="/inc/a.html" --><!--#include virtual="/inc/b.html" --><!--#include virtual="/inc/a.html" -->`,
      'inc/a.html': fill,
      'inc/b.html': fill,
      'style.css': `body::after { content: "${marker}" }`,
    };
    // Fixed mtimes a day apart: the older release really is older, as a rollback brings back.
    const mtime = Date.UTC(2024, 0, release) / 1000;
    for (const [path, text] of Object.entries(files)) {
      writeFileSync(join(root, path), text);
      utimesSync(join(root, path), mtime, mtime);
    }
  }
  const site = { folder, current: join(folder, 'current') };
  switchRelease(site, 1);
  return site;
}

/** Points `current` at `releases/N` atomically: a new link under a temp name, renamed over the old one. */
export function switchRelease(site: DeploySite, release: number): void {
  const next = join(site.folder, 'current.next');
  symlinkSync(`releases/${release}`, next);
  renameSync(next, site.current);
}

/** The releases a body shows, by their markers: one for a consistent response, two for a mixed one. */
export function releasesShown(body: Buffer): number[] {
  const text = body.toString('latin1');
  return [1, 2].filter((release) => text.includes(`[release ${release}]`));
}

export function removeDeploySite(site: DeploySite): void {
  rmSync(site.folder, { recursive: true, force: true });
}
