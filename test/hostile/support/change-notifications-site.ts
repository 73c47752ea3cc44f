// A docroot for the change-notification scenarios: `folders` folders of `filesPerFolder` files, plus one page per
// round including its own nested fragment; and the count of inotify watches a process holds (/proc fdinfo).

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The nested fragment of round `round`. */
export const fragmentOf = (round: number): string => `rounds/${round}/a/b/frag.html`;

/** Writes the tree; returns its root. */
export function makeNotificationSite(folders: number, filesPerFolder: number, rounds: number): string {
  const root = mkdtempSync(join(tmpdir(), 'cdn-include-notify-'));
  for (let folder = 0; folder < folders; folder++) {
    const dir = join(root, 'bulk', `f${Math.floor(folder / 25)}`, `g${folder % 25}`);
    mkdirSync(dir, { recursive: true });
    for (let file = 0; file < filesPerFolder; file++) writeFileSync(join(dir, `${file}.html`), 'x');
  }
  for (let round = 0; round < rounds; round++) {
    mkdirSync(join(root, 'rounds', `${round}`, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, `p${round}.shtml`), `page <!--#include virtual="/${fragmentOf(round)}" -->`);
    writeFileSync(join(root, fragmentOf(round)), 'v0');
  }
  return root;
}

/** The inotify watches process `pid` holds (lines `inotify wd:` of its inotify descriptors), Linux only. */
export function inotifyWatches(pid: number): number {
  let watches = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    watches += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('inotify wd:')).length;
  }
  return watches;
}
