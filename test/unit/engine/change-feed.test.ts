// watchForChanges: kernel notifications reported at once as docroot paths; unavailable (said once) when watching
// throws, fails later, the tree is too big, or the file system does not notify; symbolic links are not covered.

import { EventEmitter } from 'node:events';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import {
  type ChangeFeed,
  type ChangeFeedStatus,
  type StartFolderWatch,
  STORM_EVENTS_PER_SECOND,
  STORM_PAUSE_MS,
  watchForChanges,
} from '../../../src/engine/change-feed';
import { TempSite } from '../../support/temp-site';
import { waitFor } from '../../support/wait-for';

let site: TempSite;
let feed: ChangeFeed | undefined;
let changes: string[];
let statuses: ChangeFeedStatus[];

beforeEach(() => {
  site = new TempSite().write('index.shtml', 'page').write('inc/a/b/frag.html', 'x');
  changes = [];
  statuses = [];
});

afterEach(() => {
  feed?.close();
  feed = undefined;
  site.remove();
});

function start(options: Partial<Parameters<typeof watchForChanges>[1]> = {}): ChangeFeed {
  feed = watchForChanges(site.root, {
    onChange: (paths) => void changes.push(...paths),
    onStatus: (status) => void statuses.push(status),
    ...options,
  });
  return feed;
}

/** A watch that starts and later fails with an `error` event, as an fs.watch handle does. */
function failingLater(): { startWatch: StartFolderWatch; fail: (err: Error) => void; closed: () => boolean } {
  const emitter = new EventEmitter();
  let closed = false;
  return {
    startWatch: () =>
      Object.assign(emitter, {
        close: () => {
          closed = true;
        },
      }),
    fail: (err) => emitter.emit('error', err),
    closed: () => closed,
  };
}

describe('watchForChanges on a real folder tree', () => {
  it('a nested file rewritten › its docroot path is reported, and the feed covers it', async () => {
    const watching = start();
    expect(statuses).toEqual([{ kind: 'watching', folders: 4 }]);
    writeFileSync(site.path('inc/a/b/frag.html'), 'y');
    await waitFor(() => changes.includes('/inc/a/b/frag.html'), 'the change');
    expect(watching.healthy).toBe(true);
    expect(watching.covers('/inc/a/b/frag.html')).toBe(true);
  });

  it('a folder created later › files written in it are reported', async () => {
    start();
    mkdirSync(site.path('new/deeper'), { recursive: true });
    await waitFor(() => changes.includes('/new'), 'the new folder');
    writeFileSync(site.path('new/deeper/f.html'), 'z');
    await waitFor(() => changes.includes('/new/deeper/f.html'), 'the file in the new folder');
  });

  it('a symbolic link in the tree › paths through it are not covered (their changes come under the target)', async () => {
    symlinkSync('inc', site.path('shared'));
    const watching = start();
    expect(watching.covers('/shared/a/b/frag.html')).toBe(false);
    expect(watching.covers('/inc/a/b/frag.html')).toBe(true);
    symlinkSync('index.shtml', site.path('alias.shtml'));
    await waitFor(() => changes.includes('/alias.shtml'), 'the new link');
    expect(watching.covers('/alias.shtml')).toBe(false);
  });

  it('hidden folders (.git) › not watched', () => {
    site.write('.git/objects/aa/x', 'x');
    start();
    expect(statuses).toEqual([{ kind: 'watching', folders: 4 }]);
  });

  it('closed › no more reports', async () => {
    start().close();
    writeFileSync(site.path('index.shtml'), 'changed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(changes).toEqual([]);
  });
});

describe('watchForChanges where notifications cannot be relied on', () => {
  it('watching throws (ENOSPC at the watch limit) › unavailable once, covers nothing', () => {
    const watching = start({
      startWatch: () => {
        throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
          code: 'ENOSPC',
        });
      },
    });
    expect(statuses).toEqual([
      { kind: 'unavailable', reason: 'ENOSPC: System limit for number of file watchers reached' },
    ]);
    expect(watching.healthy).toBe(false);
    expect(watching.covers('/index.shtml')).toBe(false);
  });

  it('more folders than maxFolders › unavailable, naming the bound', () => {
    start({ maxFolders: 2 });
    expect(statuses).toEqual([{ kind: 'unavailable', reason: 'more than 2 folders to watch' }]);
  });

  it('an error event later › unavailable once, everything reported changed, the watch closed', () => {
    const watch = failingLater();
    const watching = start({ startWatch: watch.startWatch });
    expect(watching.healthy).toBe(true);
    watch.fail(new Error('inotify broke'));
    expect(watching.healthy).toBe(false);
    expect(watch.closed()).toBe(true);
    expect(statuses).toEqual([
      { kind: 'watching', folders: 0 },
      { kind: 'unavailable', reason: 'inotify broke' },
    ]);
    expect(changes).toEqual(['/']);
  });

  it.each([
    [0x6969, 'NFS'],
    [0xff534d42, 'CIFS'],
    [0x65735546, 'FUSE'],
  ])('a file system of type %s › unavailable (%s does not notify changes made elsewhere)', (type, name) => {
    let started = false;
    start({
      fileSystemType: () => type,
      startWatch: () => {
        started = true;
        throw new Error('not reached');
      },
    });
    expect(started).toBe(false);
    expect(statuses).toEqual([
      { kind: 'unavailable', reason: `${site.root} is on ${name}, which does not notify changes` },
    ]);
  });

  it('a turn bringing half the event queue or more › reported as everything changed (a possible overflow)', () => {
    let listener: ((event: string, name: string | null) => void) | undefined;
    start({
      maxQueuedEvents: 8,
      startWatch: (_root, given) => {
        listener = given;
        return Object.assign(new EventEmitter(), { close: () => undefined });
      },
    });
    for (let event = 0; event < 5; event++) listener?.('change', `f${event}.html`);
    expect(changes).toEqual(['/f0.html', '/f1.html', '/f2.html', '/', '/f4.html']);
  });

  it('an event storm › watching paused (everything changed, reported once), files checked, then watched again', () => {
    jest.useFakeTimers();
    try {
      let listener: ((event: string, name: string | null) => void) | undefined;
      let armed = 0;
      const feed = start({
        maxQueuedEvents: 1 << 30,
        startWatch: (_root, given) => {
          armed++;
          listener = given;
          return Object.assign(new EventEmitter(), { close: () => undefined });
        },
      });
      for (let event = 0; event <= STORM_EVENTS_PER_SECOND + 10; event++) listener?.('change', 'log.txt');
      expect(feed.healthy).toBe(false);
      expect(changes.filter((path) => path === '/')).toHaveLength(1);
      expect(changes.length).toBe(STORM_EVENTS_PER_SECOND + 1);
      expect(statuses.map((status) => status.kind)).toEqual(['watching', 'unavailable']);
      jest.advanceTimersByTime(STORM_PAUSE_MS);
      expect(armed).toBe(2);
      expect(feed.healthy).toBe(true);
      // Whatever changed while nothing watched is unknown.
      expect(changes.at(-1)).toBe('/');
      feed.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('an event without a name › reported as everything changed', () => {
    let listener: ((event: string, name: string | null) => void) | undefined;
    start({
      startWatch: (_root, given) => {
        listener = given;
        return Object.assign(new EventEmitter(), { close: () => undefined });
      },
    });
    listener?.('rename', null);
    expect(changes).toEqual(['/']);
  });
});
