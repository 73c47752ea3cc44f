// Rewrites the soak site's fragments while the load runs: new bytes, new bytes with an older mtime, deletions
// and re-creations, and switches of the docroot symlink between releases (a deploy, then a rollback to what the
// other release still holds). Each change is atomic on disk (temp file + rename, or one unlink) and recorded in
// the history with the moments it began and ended. Synchronous, so no request is handled in the middle of one.

import { renameSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateHistory } from './state-history';
import { FRAGMENTS, type FragmentName, type FragmentSet, fragmentBytes, fragmentFile } from './soak-site';

/** The kinds of change, counted for the report. */
export type MutationKind = 'new-bytes' | 'older-mtime' | 'delete' | 'recreate' | 'release-switch';

/** Changes the fragments of one site. */
export class Mutator {
  readonly counts: Record<MutationKind, number> = {
    'new-bytes': 0,
    'older-mtime': 0,
    delete: 0,
    recreate: 0,
    'release-switch': 0,
  };
  /** Each release's fragments; the one `link` points at is what the server shows. */
  private readonly sets: FragmentSet[];
  private current = 0;
  private nextVersion = 1;
  readonly history: StateHistory;

  /**
   * @param releases the release folders, each holding the site at version 0; the first is served at the start
   * @param link the docroot the server is given: a symlink to one of `releases` (relative to its folder)
   * @param pastMs a time before every file's mtime, for the older-mtime swaps
   * @param now the monotonic clock
   */
  constructor(
    private readonly releases: Array<{ folder: string; target: string }>,
    private readonly link: string,
    private readonly pastMs: number,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {
    this.sets = releases.map(() => ({ f0: 0, f1: 0, f2: 0, f3: 0 }));
    this.history = new StateHistory({ ...this.onDisk }, now());
  }

  /** Points the docroot link at the next release, atomically (a new link renamed over the old one). */
  switchRelease(): void {
    const next = (this.current + 1) % this.releases.length;
    const temporary = `${this.link}.next`;
    symlinkSync(this.releases[next].target, temporary);
    const began = this.now();
    renameSync(temporary, this.link);
    this.current = next;
    this.history.record({ ...this.onDisk }, began, this.now());
    this.counts['release-switch']++;
  }

  /**
   * Replaces every fragment of the served release by new bytes with an older mtime, as a deploy that restores
   * files from a backup (`cp -p`, `rsync -t`) does while the server is stopped.
   */
  restoreOlder(): void {
    for (const name of FRAGMENTS) this.write(name, 'older-mtime');
    // The folder dated back too, as `rsync -a` leaves it: nothing on disk is newer than before the restore.
    const seconds = this.pastMs / 1000;
    utimesSync(join(this.root, 'inc'), seconds, seconds);
  }

  private get onDisk(): FragmentSet {
    return this.sets[this.current];
  }

  private get root(): string {
    return this.releases[this.current].folder;
  }

  /** Makes one random change to one random fragment. */
  mutate(): void {
    const name = FRAGMENTS[Math.floor(this.random() * FRAGMENTS.length)];
    const roll = this.random();
    if (this.onDisk[name] === 'missing') return this.write(name, 'recreate');
    if (roll < 0.5) return this.write(name, 'new-bytes');
    if (roll < 0.85) return this.write(name, 'older-mtime');
    this.remove(name);
  }

  private write(name: FragmentName, kind: MutationKind): void {
    const version = this.nextVersion++;
    const file = join(this.root, fragmentFile(name));
    const temporary = `${file}.${version}.tmp`;
    writeFileSync(temporary, fragmentBytes(name, version));
    if (kind === 'older-mtime') {
      // An hour-old date, like a file restored with `cp -p` or `rsync -t`: newer bytes, older mtime.
      const seconds = (this.pastMs + Math.floor(this.random() * 3600) * 1000) / 1000;
      utimesSync(temporary, seconds, seconds);
    }
    const began = this.now();
    renameSync(temporary, file);
    this.changed(name, version, began, kind);
  }

  private remove(name: FragmentName): void {
    const began = this.now();
    unlinkSync(join(this.root, fragmentFile(name)));
    this.changed(name, 'missing', began, 'delete');
  }

  private changed(
    name: FragmentName,
    state: FragmentSet[FragmentName],
    began: number,
    kind: MutationKind,
  ): void {
    this.onDisk[name] = state;
    this.history.record({ ...this.onDisk }, began, this.now());
    this.counts[kind]++;
  }
}
