// Follows a docroot given as a symlink (or through one), as nginx's $realpath_root does: notices when the path
// now leads to another real folder (a Capistrano-style `current -> releases/N` switch or rollback) and hands out
// one release per real folder. It reads the file system and never logs; what a release holds is the caller's.

import { lstatSync, realpathSync, type Stats, statSync } from 'node:fs';

/** One real folder the docroot path led to, with what the caller built for it. */
export interface DocrootRelease<T> {
  /** The real path of the folder the docroot path leads to. */
  readonly realRoot: string;
  /**
   * A time (ms since the epoch) no Last-Modified of this release may precede: when the docroot started leading
   * here. A rollback brings back older files, and only this floor keeps their Last-Modified from going backwards.
   */
  readonly since: number;
  /** What `open` built for this release (its file source and caches). */
  readonly state: T;
}

/** Builds the caller's state for a newly resolved release. */
export type ReleaseOpener<T> = (realRoot: string, since: number) => T;

/** Releases what a release's state holds (its file watches) once the docroot no longer leads there. */
export type ReleaseCloser<T> = (state: T) => void;

/**
 * The current release of a docroot path, re-checked at most once per turn of the event loop with one stat of the
 * path (which follows every symlink in it): the directory's device and inode tell whether it still leads to the
 * same real folder. A request is read from a socket in some turn after a switch completed, so the first check of
 * that turn already sees the switch; the releases handed out never mix, each open of one release is confined to
 * its real folder.
 *
 * @example
 * const docroot = new DocrootFollower('/srv/site/current', (realRoot) => new NodeFileSource(realRoot));
 * const { state: source } = docroot.current();
 */
export class DocrootFollower<T> {
  private release: DocrootRelease<T>;
  private identity: { dev: number; ino: number };
  private checkedThisTurn = true;

  /**
   * @param root the configured docroot path, symlinks and all; it must exist.
   * @param closeRelease called with the state of each release that another replaced, and by close().
   */
  constructor(
    readonly root: string,
    private readonly open: ReleaseOpener<T>,
    private readonly closeRelease: ReleaseCloser<T> = () => undefined,
  ) {
    const realRoot = realpathSync.native(root);
    // At start, what is known of the last switch is the link's change time; file times come from the kernel's
    // coarse clock, up to a tick behind the real one, so a tick's slack keeps that second after the switch.
    const changed = linkTime(root);
    // Never before the change itself: Date.now() counts whole ms, so a link made in this very ms may be dated after it.
    const since =
      changed === undefined ? 0 : Math.max(changed, Math.min(Date.now(), changed + COARSE_CLOCK_SLACK_MS));
    this.release = { realRoot, since, state: open(realRoot, since) };
    this.identity = statSync(realRoot);
    this.forgetAtNextTurn();
  }

  /** The release the docroot path leads to now; a new one (new state) when it changed since the last call. */
  current(): DocrootRelease<T> {
    if (this.checkedThisTurn) return this.release;
    this.checkedThisTurn = true;
    this.forgetAtNextTurn();
    const stats = statOrUndefined(this.root);
    // A path briefly missing (a non-atomic `ln -sfn`) keeps the release that was serving.
    if (stats === undefined || isSameFolder(stats, this.identity)) return this.release;
    return this.resolve();
  }

  /** Resolves the docroot path again now and starts a new release, whether or not it moved (SIGHUP). */
  reload(): DocrootRelease<T> {
    return this.resolve();
  }

  /** Closes the current release; the follower must not be used afterwards. */
  close(): void {
    this.closeRelease(this.release.state);
  }

  private resolve(): DocrootRelease<T> {
    let realRoot: string;
    let identity: Stats;
    try {
      realRoot = realpathSync.native(this.root);
      identity = statSync(realRoot);
    } catch {
      return this.release;
    }
    // The switch's own time is a dependency of every response: the moment it was seen, which is after every
    // response of the release before was dated (a link's change time can lag the real clock by a tick).
    const since = Math.max(Date.now(), this.release.since);
    const previous = this.release;
    this.release = { realRoot, since, state: this.open(realRoot, since) };
    this.identity = identity;
    // Requests still running on the old release finish with it; only its watches end now.
    this.closeRelease(previous.state);
    return this.release;
  }

  private forgetAtNextTurn(): void {
    // setImmediate runs after the poll phase, where requests are read: the next turn checks again.
    setImmediate(() => {
      this.checkedThisTurn = false;
    }).unref();
  }
}

/** More than one tick of the kernel's coarse clock (4 ms at HZ=250, 10 ms at HZ=100). */
const COARSE_CLOCK_SLACK_MS = 20;

function isSameFolder(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The change time of `path` when it is a symlink itself (a rename onto it sets it), else undefined. */
function linkTime(path: string): number | undefined {
  try {
    const stats = lstatSync(path);
    return stats.isSymbolicLink() ? stats.ctimeMs : undefined;
  } catch {
    return undefined;
  }
}
