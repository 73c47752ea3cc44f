// The docroot watcher when watching fails: errors injected through its startWatch seam (the inotify watch limit,
// an overflow), and a real temp docroot deleted and recreated. Each is reported once, the files are scanned
// meanwhile, and watching is restored.

import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import {
  type DocrootWatcher,
  type StartWatch,
  watchDocroot,
  type WatcherStatus,
} from '../../src/engine/docroot-watcher';
import { TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

/** A watch handle the test drives: it emits errors and events when told to. */
class FakeWatch extends EventEmitter {
  closed = false;
  constructor(readonly listener: (event: string, filename: string | null) => void) {
    super();
  }
  close(): void {
    this.closed = true;
  }
}

/** A startWatch whose n-th call throws `failures[n]` if set, else returns a FakeWatch. */
function fakeStartWatch(failures: Array<Error | undefined> = []) {
  const started: FakeWatch[] = [];
  let calls = 0;
  const startWatch: StartWatch = (_root, listener) => {
    const failure = failures[calls++];
    if (failure) throw failure;
    const handle = new FakeWatch(listener);
    started.push(handle);
    return handle;
  };
  return { startWatch, started, calls: () => calls };
}

const enospc = () =>
  Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
const FAST = { debounceMs: 20, checkIntervalMs: 40, retryIntervalMs: 150, restoreGraceMs: 80 };

describe('watchDocroot when watching fails', () => {
  let site: TempSite;
  let watcher: DocrootWatcher | undefined;
  let batches: string[][];
  let statuses: WatcherStatus[];
  const seen = () => new Set(batches.flat());
  const kinds = () => statuses.map((status) => status.kind);

  beforeEach(() => {
    site = new TempSite().write('index.shtml', 'home').write('inc/nav.html', 'nav');
    batches = [];
    statuses = [];
  });
  afterEach(() => {
    watcher?.close();
    site.remove();
  });

  /**
   * Rewrites a file until a batch names it: the first scan after a failure is only the baseline, and when it runs
   * depends on the machine's load, so one write could land before it and never count as a change.
   */
  const changeUntilSeen = async (docrootPath: string) => {
    let version = 0;
    await waitFor(() => {
      writeFileSync(site.path(docrootPath), `version ${version++}`);
      return seen().has(docrootPath);
    }, `${docrootPath}, found by scanning`);
  };

  const start = (startWatch?: StartWatch) =>
    watchDocroot(site.root, {
      ...FAST,
      startWatch,
      onChange: (paths) => batches.push(paths),
      onStatus: (status) => statuses.push(status),
    });

  it('when the watch reports ENOSPC (twice) › degraded once, changes found by scanning, then restored', async () => {
    const fake = fakeStartWatch();
    watcher = start(fake.startWatch);
    fake.started[0].emit('error', enospc());
    fake.started[0].emit('error', enospc());
    expect(fake.started[0].closed).toBe(true);
    expect(statuses).toEqual([{ kind: 'degraded', reason: expect.stringContaining('ENOSPC') }]);
    await changeUntilSeen('/inc/nav.html');
    await waitFor(() => kinds().includes('restored'), 'watching restored');
    expect(kinds()).toEqual(['degraded', 'restored']);
    // Restored: events of the new watch are reported again.
    fake.started[fake.started.length - 1].listener('change', 'index.shtml');
    await waitFor(() => seen().has('/index.shtml'), 'an event of the new watch');
  });

  it('when starting the watch throws ENOSPC every time › stays degraded, logged once, still finds changes', async () => {
    const fake = fakeStartWatch(Array.from({ length: 100 }, enospc));
    watcher = start(fake.startWatch);
    expect(kinds()).toEqual(['degraded']);
    await changeUntilSeen('/inc/nav.html');
    rmSync(site.path('index.shtml'));
    mkdirSync(site.path('news'));
    writeFileSync(site.path('news/index.shtml'), 'news');
    await waitFor(
      () => seen().has('/index.shtml') && seen().has('/news/index.shtml'),
      'the removal and the new file',
    );
    await waitFor(() => fake.calls() >= 3, 'two more tries to watch');
    expect(kinds()).toEqual(['degraded']);
  });

  it('when a retried watch fails within its grace time › not reported as restored', async () => {
    const fake = fakeStartWatch();
    watcher = start(fake.startWatch);
    fake.started[0].emit('error', enospc());
    await waitFor(() => fake.started.length >= 2, 'the retry');
    fake.started[1].emit('error', enospc());
    await waitFor(() => fake.started.length >= 3, 'the next retry');
    await waitFor(() => kinds().includes('restored'), 'watching restored');
    expect(kinds()).toEqual(['degraded', 'restored']);
    expect(fake.started[1].closed).toBe(true);
  });

  it('when the platform reports an event without a name (lost events) › reports an overflow and every file', async () => {
    const fake = fakeStartWatch();
    watcher = start(fake.startWatch);
    fake.started[0].listener('change', null);
    await waitFor(() => seen().has('/'), 'everything changed');
    expect(kinds()).toEqual(['overflow']);
  });

  it('when the real docroot is deleted and recreated › reports it, every file changed twice, and watches the new one', async () => {
    watcher = start();
    rmSync(site.root, { recursive: true, force: true });
    await waitFor(() => kinds().includes('degraded'), 'the docroot gone');
    expect(statuses[0]).toEqual({ kind: 'degraded', reason: `${site.root} went away` });
    await waitFor(() => seen().has('/'), 'everything changed');
    const before = batches.length;
    mkdirSync(site.path('inc'), { recursive: true });
    writeFileSync(site.path('inc/nav.html'), 'nav 2');
    await waitFor(() => batches.slice(before).flat().includes('/'), 'everything changed again');
    await waitFor(() => kinds().includes('restored'), 'watching the new folder');
    const restored = batches.length;
    writeFileSync(site.path('inc/nav.html'), 'nav 3');
    await waitFor(
      () => batches.slice(restored).flat().includes('/inc/nav.html'),
      'a change in the new folder',
    );
    expect(kinds()).toEqual(['degraded', 'restored']);
  });
});
