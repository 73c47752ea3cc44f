// Rewrites the soak site's fragments while the load runs: new bytes, new bytes with an older mtime, deletions
// and re-creations. Each change is atomic on disk (temp file + rename, or one unlink) and recorded in the
// history with the moments it began and ended. Synchronous, so no request is handled in the middle of one.

import { renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateHistory } from './state-history';
import { FRAGMENTS, FragmentName, FragmentSet, fragmentBytes, fragmentFile } from './soak-site';

/** The kinds of change, counted for the report. */
export type MutationKind = 'new-bytes' | 'older-mtime' | 'delete' | 'recreate';

/** Changes the fragments of one site. */
export class Mutator {
  readonly counts: Record<MutationKind, number> = {
    'new-bytes': 0,
    'older-mtime': 0,
    delete: 0,
    recreate: 0,
  };
  private readonly onDisk: FragmentSet = { f0: 0, f1: 0, f2: 0, f3: 0 };
  private nextVersion = 1;
  readonly history: StateHistory;

  /**
   * @param root the docroot
   * @param pastMs a time before every file's mtime, for the older-mtime swaps
   * @param now the monotonic clock
   */
  constructor(
    private readonly root: string,
    private readonly pastMs: number,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {
    this.history = new StateHistory({ ...this.onDisk }, now());
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
