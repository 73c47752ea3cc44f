// Real `cdn-include serve` processes whose memory of what was sent is split or flooded: `--workers 2`, where one
// worker never served the old bytes, and a flood of distinct query strings before an older-mtime swap. With the
// default state folder, no revalidation is answered 304 for old bytes, and the state stays one record per page.

import http from 'node:http';
import { join } from 'node:path';
import { get } from '../soak/http-client';
import { findCli, startServer } from '../soak/server-child';
import {
  BACKWARD_CHANGES,
  folderSize,
  holdPage,
  PAGE,
  useProofFixture,
  revalidate,
} from './support/ledger-proofs-site';

/** Revalidations over new connections, so the cluster hands them to both workers. */
const WORKER_REVALIDATIONS = 24;
const FLOOD_REQUESTS = 20_000;
const FLOOD_SECONDS = 40;
const FLOOD_CONNECTIONS = 8;
/** Long query strings, as tracking parameters (fbclid, utm_*) are: each one a distinct URL. */
const TRACKING_PADDING = 'x'.repeat(300);

const [, olderMtimeSwap] = BACKWARD_CHANGES[0];

describe('hostile: split and flooded validator memory', () => {
  const cli = findCli();
  const fixture = useProofFixture();

  it('--workers 2, one worker never served the old bytes › 0 stale 304s to If-Modified-Since alone', async () => {
    // No revalidation window: both workers render what is on disk, so a 304 is judged against the files alone.
    fixture.server = await startServer(
      cli,
      fixture.site.root,
      ['--quiet', '--workers', '2', '--revalidate-window', '0'],
      [],
      fixture.site.env,
    );
    const held = await holdPage(fixture.server.origin);
    olderMtimeSwap(fixture.site);
    const statuses = new Map<number, number>();
    let stale = 0;
    for (let index = 0; index < WORKER_REVALIDATIONS; index++) {
      const { answer, stale: isStale } = await revalidate(fixture.server.origin, held, {
        'if-modified-since': held.lastModified,
      });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (isStale) stale++;
    }
    console.log(
      `workers 2: ${WORKER_REVALIDATIONS} revalidations (If-Modified-Since alone, new connections) after an ` +
        `older-mtime swap: ${[...statuses].map(([status, count]) => `${status} ×${count}`).join(', ')}; ${stale} stale`,
    );
    expect(stale).toBe(0);
    expect(statuses.get(200)).toBe(WORKER_REVALIDATIONS);
  });

  it(`${FLOOD_REQUESTS} distinct query strings, then an older-mtime swap › a 200, and one small record for the page`, async () => {
    fixture.server = await startServer(
      cli,
      fixture.site.root,
      ['--quiet', '--revalidate-window', '0'],
      [],
      fixture.site.env,
    );
    const held = await holdPage(fixture.server.origin);
    const flood = await floodQueries(fixture.server.origin);
    olderMtimeSwap(fixture.site);
    const { answer, stale } = await revalidate(fixture.server.origin, held, {
      'if-modified-since': held.lastModified,
    });
    const state = folderSize(join(fixture.site.stateHome, 'cdn-include'));
    console.log(
      `query flood: ${flood.sent} distinct query strings in ${flood.seconds.toFixed(1)} s (${flood.failed} not 200), ` +
        `then an older-mtime swap: If-Modified-Since alone → ${answer.status}, ${stale ? 1 : 0} stale; ` +
        `state folder ${state.files} file(s), ${state.bytes} bytes`,
    );
    expect(flood.failed).toBe(0);
    expect(answer.status).toBe(200);
    expect(stale).toBe(false);
    expect(state.files).toBe(1);
    expect(state.bytes).toBeLessThan(4096);
  });
});

/** GETs the page with a new query string each time, FLOOD_CONNECTIONS at a time, until the count or the time is up. */
async function floodQueries(origin: string): Promise<{ sent: number; failed: number; seconds: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: FLOOD_CONNECTIONS });
  const started = performance.now();
  const deadline = started + FLOOD_SECONDS * 1000;
  let sent = 0;
  let failed = 0;
  const client = async (): Promise<void> => {
    while (sent < FLOOD_REQUESTS && performance.now() < deadline) {
      const query = `?utm_source=news&fbclid=${sent++}${TRACKING_PADDING}`;
      const response = await get(agent, origin, PAGE + query, {});
      if (response.status !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: FLOOD_CONNECTIONS }, client));
  agent.destroy();
  return { sent, failed, seconds: (performance.now() - started) / 1000 };
}
