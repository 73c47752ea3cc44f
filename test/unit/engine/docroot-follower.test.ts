// DocrootFollower: one release per real folder a symlinked docroot leads to, re-checked once per event-loop turn.

import { lstatSync, mkdirSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DocrootFollower } from '../../../src/engine/docroot-follower';
import { TempSite } from '../../support/temp-site';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function pointAt(site: TempSite, release: string): void {
  symlinkSync(release, site.path('current.next'));
  renameSync(site.path('current.next'), site.path('current'));
}

describe('DocrootFollower', () => {
  let site: TempSite;
  let opened: string[];
  let follower: DocrootFollower<string>;
  beforeEach(() => {
    site = new TempSite().write('releases/1/a', '1').write('releases/2/a', '2');
    pointAt(site, 'releases/1');
    opened = [];
    follower = new DocrootFollower(site.path('current'), (realRoot) => {
      opened.push(realRoot);
      return `state of ${realRoot}`;
    });
  });
  afterEach(() => site.remove());

  it('when created › opens the real folder, dated by the link’s change time', () => {
    const release = follower.current();
    expect(release.realRoot).toBe(realpathSync(site.path('releases/1')));
    expect(release.state).toBe(`state of ${release.realRoot}`);
    expect(release.since).toBeGreaterThanOrEqual(lstatSync(site.path('current')).ctimeMs);
    expect(release.since).toBeLessThanOrEqual(Date.now());
  });

  it('after a switch › the next turn opens the new release once, dated when it was seen, and keeps it', async () => {
    const first = follower.current();
    pointAt(site, 'releases/2');
    await nextTurn();
    const seen = Date.now();
    const second = follower.current();
    expect(second.since).toBeGreaterThanOrEqual(seen);
    expect(second.realRoot).toBe(realpathSync(site.path('releases/2')));
    expect(second.since).toBeGreaterThanOrEqual(first.since);
    await nextTurn();
    expect(follower.current()).toBe(second);
    expect(opened).toHaveLength(2);
  });

  it('within one turn › the release stays the same (one stat per turn)', async () => {
    await nextTurn();
    const before = follower.current();
    pointAt(site, 'releases/2');
    expect(follower.current()).toBe(before);
  });

  it('a rollback › opens the older release again, dated no earlier than the switch before it', async () => {
    pointAt(site, 'releases/2');
    await nextTurn();
    const deployed = follower.current();
    pointAt(site, 'releases/1');
    await nextTurn();
    const rolledBack = follower.current();
    expect(rolledBack.realRoot).toBe(realpathSync(site.path('releases/1')));
    expect(rolledBack.since).toBeGreaterThanOrEqual(deployed.since);
  });

  it('the link briefly missing › keeps the release that was serving', async () => {
    const before = follower.current();
    rmSync(site.path('current'));
    await nextTurn();
    expect(follower.current()).toBe(before);
  });

  it('reload() › opens a new release even when nothing moved', () => {
    const before = follower.current();
    const after = follower.reload();
    expect(after).not.toBe(before);
    expect(after.realRoot).toBe(before.realRoot);
    expect(opened).toHaveLength(2);
  });

  it('a symlink inside the path (current/public) › followed as well', async () => {
    mkdirSync(site.path('releases/1/public'));
    mkdirSync(site.path('releases/2/public'));
    const nested = new DocrootFollower(join(site.path('current'), 'public'), (realRoot) => realRoot);
    pointAt(site, 'releases/2');
    await nextTurn();
    expect(nested.current().realRoot).toBe(realpathSync(site.path('releases/2/public')));
  });
});
