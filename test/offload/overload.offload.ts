// A real serve process driven into overload by wrk at two paced rates over an egress budget: redirects start
// within a few windows, their share rises with load and stops within a few windows once the load ends; our
// edge's fetches, the bounce-back marker and revalidations are never redirected; the access log holds exactly
// one line per request received. The timeline (per 250 ms: load level, 307 share) is printed.

import { edgeGet } from '../edge/edge-request';
import { formatTimeline, LoadTimeline, redirectShare, SLOT_MS, type TimelineSlot } from './load-timeline';
import { type OffloadOrigin, startOffloadOrigin, writeSite } from './offload-origin';
import { OUR_EDGE } from './offload-edges';
import { BOUNCE_PARAM, LOAD_SETTINGS, PACE_MS, siteFiles, sleep } from './offload-site';
import { ProbeLoop, probeKinds } from './probes';
import { runWrk, type WrkResult } from './wrk-load';

/** Where redirects point; nothing listens there (no client here follows them). */
const OFFLOAD_TO = 'http://127.0.0.2:8080/';

/** The phases: seconds of each, and the wrk connections paced at one request per 66 ms each (0: no wrk). */
const PHASES = [
  { name: 'idle', seconds: 1.5, connections: 0 },
  // About 30 requests a second: once the budget.
  { name: 'load 1', seconds: 5, connections: 2 },
  // About 120 a second: four times the budget.
  { name: 'load 2', seconds: 5, connections: 8 },
  { name: 'after', seconds: 4, connections: 0 },
] as const;

/** Slots within which redirects must start after the load begins, and stop after it ends. */
const START_WITHIN_SLOTS = 12;
const STOP_WITHIN_SLOTS = 12;

describe('offload under real load (wrk, egress budget)', () => {
  let origin: OffloadOrigin | undefined;
  let site: ReturnType<typeof writeSite> | undefined;

  afterAll(async () => {
    await origin?.stop();
    site?.remove();
  });

  it('redirects start and stop with the load, rise with it, and spare what must be served here', async () => {
    site = writeSite(siteFiles());
    origin = await startOffloadOrigin(site.root, {
      cacheControl: 'public, max-age=1',
      load: LOAD_SETTINGS,
      offload: { to: OFFLOAD_TO, edges: { cdnLoop: [OUR_EDGE] }, bounceParam: BOUNCE_PARAM },
    });
    const { etag } = (await edgeGet(origin.port, '/probe.html')).headers;
    expect(etag).toBeDefined();
    const timeline = new LoadTimeline(origin);
    const probes = new ProbeLoop(origin.port, probeKinds('/probe.html', etag, BOUNCE_PARAM), 100);
    const wrkResults: Array<WrkResult & { name: string }> = [];
    const phaseStart = new Map<string, number>();
    try {
      for (const phase of PHASES) {
        timeline.phase(phase.name);
        phaseStart.set(phase.name, Date.now() - timeline.start);
        if (phase.connections === 0) {
          await sleep(phase.seconds * 1000);
          continue;
        }
        const result = await runWrk({
          port: origin.port,
          path: '/big.html',
          connections: phase.connections,
          delayMs: PACE_MS,
          seconds: phase.seconds,
          headers: { 'User-Agent': `wrk-${phase.name.replace(' ', '-')}` },
        });
        wrkResults.push({ ...result, name: phase.name });
      }
    } finally {
      timeline.stop();
      await probes.stop();
    }
    // The last lines are written when their responses close: give the pipe a moment.
    await sleep(500);
    const slots = timeline.slots();
    console.log(
      `offload timeline (slot ${SLOT_MS} ms; requests and 307s from the origin's access log):\n${formatTimeline(slots)}\n` +
        `wrk: ${wrkResults.map((run) => `${run.name}: sent ${run.sent}, answered ${run.completed} ${JSON.stringify(run.statuses)}`).join('; ')}`,
    );

    const during = (name: string) => slots.filter((slot) => slot.phase === name);
    const firstRedirect = (list: readonly TimelineSlot[]) => list.findIndex((slot) => slot.redirected > 0);
    // Nothing is redirected while idle.
    expect(redirectShare(during('idle'))).toBe(0);
    // Redirects start within a few windows of the overload.
    const load1 = during('load 1');
    const started = firstRedirect(load1);
    expect(started).toBeGreaterThanOrEqual(0);
    expect(started).toBeLessThanOrEqual(START_WITHIN_SLOTS);
    // The share rises with load: the steady part of each level (its first 2 s left out).
    const steady = (list: readonly TimelineSlot[]) => list.slice(Math.round(2000 / SLOT_MS));
    const share1 = redirectShare(steady(load1));
    const share2 = redirectShare(steady(during('load 2')));
    expect(share1).toBeGreaterThan(0);
    expect(share2).toBeGreaterThan(share1 + 0.1);
    // And stops within a few windows once the load ends: no 307 after that, and the level is normal again.
    const after = during('after');
    expect(after.slice(STOP_WITHIN_SLOTS).every((slot) => slot.redirected === 0)).toBe(true);
    const read = after.filter((slot) => slot.level !== '-');
    expect(read.slice(-2).map((slot) => slot.level)).toEqual(['normal', 'normal']);

    // What must be served here never is redirected: our edge (CDN-Loop, Via), the marker, revalidations.
    expect(probes.failures).toEqual([]);
    const answers = (kind: string) => probes.answers.filter((answer) => answer.kind === kind);
    expect(answers('probe-plain').some((answer) => answer.status === 307)).toBe(true);
    for (const answer of answers('probe-plain').filter((each) => each.status === 307))
      expect(answer.location).toBe(`${OFFLOAD_TO.slice(0, -1)}/probe.html`);
    // Our edge's fetch is served, or refused with 503 while critical (its stale copy serves meanwhile): never a 307.
    for (const kind of ['probe-cdn-loop', 'probe-via']) {
      const statuses = answers(kind).map((answer) => answer.status);
      expect([kind, [...new Set(statuses)].filter((status) => status !== 200 && status !== 503)]).toEqual([
        kind,
        [],
      ]);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(statuses.length / 2);
    }
    expect(new Set(answers('probe-bounce').map((answer) => answer.status))).toEqual(new Set([200]));
    expect(new Set(answers('probe-revalidate').map((answer) => answer.status))).toEqual(new Set([304]));

    // Each 503 is the edge guard's: the line says so.
    for (const line of origin.log().filter((each) => each.status === 503))
      expect([line.userAgent, line.offload, line.reason]).toEqual([line.userAgent, '503', 'loop-guard']);

    // One access-log line per request received: each probe answered is logged once, with the status it got;
    // each wrk request at most once, and at least every one wrk got an answer to.
    const log = origin.log();
    for (const kind of ['probe-plain', 'probe-cdn-loop', 'probe-via', 'probe-bounce', 'probe-revalidate']) {
      const logged = log
        .filter((line) => line.userAgent === kind)
        .map((line) => line.status)
        .sort();
      expect([kind, logged]).toEqual([
        kind,
        answers(kind)
          .map((answer) => answer.status)
          .sort(),
      ]);
    }
    for (const run of wrkResults) {
      const agent = `wrk-${run.name.replace(' ', '-')}`;
      const urls = log.filter((line) => line.userAgent === agent).map((line) => line.url);
      expect(new Set(urls).size).toBe(urls.length);
      expect(urls.length).toBeGreaterThanOrEqual(run.completed);
      expect(urls.length).toBeLessThanOrEqual(run.sent);
    }
  });
});
