// How `serve` tells the operator that file notifications cannot be relied on for the docroot: one line on stderr,
// once per process and app (a docroot switch to a folder on the same file system says nothing new).

import type { ChangeFeedStatus } from '../engine/change-feed';
import type { CommandIo } from './command';

/**
 * The onWatchStatus callback of `serve`: the first `unavailable` status is one warning naming the fallback
 * (`revalidateWindow` ms of staleness at most); a later one with another reason is another line.
 *
 * @example
 * createApp({ root, onWatchStatus: watchStatusReporter(io, 1000) });
 */
export function watchStatusReporter(
  io: Pick<CommandIo, 'stderr'>,
  revalidateWindow: number,
): (status: ChangeFeedStatus, realRoot: string) => void {
  const said = new Set<string>();
  return (status, realRoot) => {
    if (status.kind !== 'unavailable' || said.has(status.reason)) return;
    said.add(status.reason);
    const check =
      revalidateWindow === 0
        ? 'checking the files of every cached response on each request'
        : `re-checking the files of a cached response at most every ${revalidateWindow} ms (--revalidate-window)`;
    io.stderr(
      `cdn-include serve: file change notifications unavailable for ${realRoot} (${status.reason}); ${check}\n`,
    );
  };
}
