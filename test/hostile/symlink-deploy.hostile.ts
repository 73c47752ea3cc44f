// Hostile: a real `cdn-include serve` on a docroot that is a symlink switched between two releases while clients
// fetch (no response may mix them), rolled back under If-Modified-Since revalidation (no stale 304), also across a
// restart (the state folder remembers what the newer release was sent with), and reloaded
// with SIGHUP, alone and with workers (it keeps serving); plus the warm-path cost of following the link.

import http from 'node:http';
import { lutimesSync, realpathSync } from 'node:fs';
import { get } from '../soak/http-client';
import { findCli, type ServerChild, startServer, stopServer } from '../soak/server-child';
import {
  type DeploySite,
  makeDeploySite,
  releasesShown,
  removeDeploySite,
  switchRelease,
} from './support/symlink-deploy-site';

const CONCURRENCY = 16;
const SWITCHING_REQUESTS = 3000;
const WARM_REQUESTS = 4000;
/** The mtime of release 1's files (see makeDeploySite). */
const RELEASE_1_SECONDS = Date.UTC(2024, 0, 1) / 1000;

/** GETs `path` `count` times, CONCURRENCY at a time; calls `check` with each response. */
async function hammer(
  origin: string,
  path: string,
  count: number,
  check: (body: Buffer, status: number) => void,
): Promise<{ errors: number; seconds: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const client = async (): Promise<void> => {
    while (next++ < count) {
      try {
        const response = await get(agent, origin, path, {});
        check(response.body, response.status);
      } catch (err) {
        if (errors === 0) console.log(`first error: ${String(err)}`);
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  agent.destroy();
  return { errors, seconds: (performance.now() - started) / 1000 };
}

/** The Last-Modified of `path` once the release's first second is over (it sends none before). */
async function settledLastModified(origin: string, path: string): Promise<{ date: string; body: Buffer }> {
  const agent = new http.Agent();
  const deadline = Date.now() + 5000;
  for (;;) {
    const response = await get(agent, origin, path, {});
    const date = response.headers['last-modified'];
    if (date !== undefined) return { date, body: response.body };
    if (Date.now() > deadline) throw new Error(`no Last-Modified for ${path} after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('hostile: symlink-switch deploys', () => {
  const cli = findCli();
  let site: DeploySite;
  let server: ServerChild | undefined;
  beforeEach(() => {
    site = makeDeploySite();
  });
  afterEach(async () => {
    // A server ended by a signal already exited: stopServer would wait for an exit that came.
    if (server && server.child.signalCode === null) await stopServer(server);
    server = undefined;
    removeDeploySite(site);
  });

  it('a switch every 5 ms under 16 clients › no response mixes two releases, both releases are served', async () => {
    server = await startServer(cli, site.current, ['--quiet']);
    let release = 1;
    let switches = 0;
    const racer = setInterval(() => {
      release = 3 - release;
      switchRelease(site, release);
      switches++;
    }, 5);
    const shown = { 1: 0, 2: 0, mixed: 0, other: 0 };
    const tally = (body: Buffer, status: number): void => {
      const releases = releasesShown(body);
      if (status !== 200 || releases.length === 0) shown.other++;
      else if (releases.length > 1) shown.mixed++;
      else shown[releases[0] as 1 | 2]++;
    };
    const page = await hammer(server.origin, '/', SWITCHING_REQUESTS, tally);
    const style = await hammer(server.origin, '/style.css', SWITCHING_REQUESTS / 3, tally);
    clearInterval(racer);
    console.log(
      `symlink switching: ${switches} switches, ${SWITCHING_REQUESTS} page + ${SWITCHING_REQUESTS / 3} static ` +
        `requests in ${(page.seconds + style.seconds).toFixed(1)} s: release 1 ${shown[1]}, release 2 ${shown[2]}, ` +
        `mixed ${shown.mixed}, other ${shown.other}, errors ${page.errors + style.errors}`,
    );
    expect(shown.mixed).toBe(0);
    expect(shown.other).toBe(0);
    expect(page.errors + style.errors).toBe(0);
    expect(shown[1]).toBeGreaterThan(0);
    expect(shown[2]).toBeGreaterThan(0);
  });

  it('deploy and rollback, three times › If-Modified-Since with the newer release date never gets a 304', async () => {
    server = await startServer(cli, site.current, ['--quiet']);
    const agent = new http.Agent();
    let stale = 0;
    let revalidations = 0;
    for (let round = 0; round < 3; round++) {
      for (const path of ['/', '/style.css']) {
        switchRelease(site, 2);
        const newer = await settledLastModified(server.origin, path);
        switchRelease(site, 1);
        // At once (the rollback's first second) and once its own Last-Modified is out.
        for (const settle of [false, true]) {
          if (settle) await settledLastModified(server.origin, path);
          const response = await get(agent, server.origin, path, { 'if-modified-since': newer.date });
          revalidations++;
          if (response.status === 304 || releasesShown(response.body).join() !== '1') stale++;
        }
      }
    }
    console.log(
      `symlink rollback: ${revalidations} revalidations with the newer release's date, ${stale} stale`,
    );
    expect(stale).toBe(0);
  });

  it.each([
    ['a new link (ln -s, mv)', false],
    ['the link dated back to release 1 (rsync -a of the deploy folder)', true],
  ])(
    'switch, restart, rollback to %s › If-Modified-Since with the newer release date never gets a 304',
    async (_how, datedBack) => {
      server = await startServer(cli, site.current, ['--quiet']);
      const agent = new http.Agent();
      let stale = 0;
      let revalidations = 0;
      const statuses: number[] = [];
      for (let round = 0; round < 2; round++) {
        switchRelease(site, 2);
        const newer = await Promise.all(
          ['/', '/style.css'].map((path) => settledLastModified(server!.origin, path)),
        );
        await stopServer(server);
        switchRelease(site, 1);
        // A link's own time is all a date-only server has to see a rollback by; a copied link keeps its source's.
        if (datedBack) lutimesSync(site.current, RELEASE_1_SECONDS, RELEASE_1_SECONDS);
        server = await startServer(cli, site.current, ['--quiet']);
        for (const [index, path] of ['/', '/style.css'].entries()) {
          const response = await get(agent, server.origin, path, { 'if-modified-since': newer[index].date });
          revalidations++;
          statuses.push(response.status);
          if (response.status === 304 || releasesShown(response.body).join() !== '1') stale++;
        }
      }
      agent.destroy();
      console.log(
        `symlink switch, restart, rollback to ${_how}: ${revalidations} revalidations with the newer release's date → ` +
          `${statuses.join(' ')}, ${stale} stale`,
      );
      expect(stale).toBe(0);
    },
  );

  it.each([[[] as string[]], [['--workers', '2']]])(
    'SIGHUP (%j) › the server keeps serving, and serves a switch made before it',
    async (flags) => {
      server = await startServer(cli, site.current, ['--quiet', ...flags]);
      const output: string[] = [];
      server.child.stdout?.on('data', (chunk: string) => output.push(chunk));
      server.child.stderr?.on('data', (chunk: string) => output.push(chunk));
      server.child.kill('SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Killed by a signal, a process has a signalCode and no exitCode.
      expect(server.child.signalCode ?? server.child.exitCode).toBeNull();
      switchRelease(site, 2);
      server.child.kill('SIGHUP');
      let wrong = 0;
      const run = await hammer(server.origin, '/', 200, (body, status) => {
        if (status !== 200 || releasesShown(body).join() !== '2') wrong++;
      });
      console.log(
        `SIGHUP ${flags.join(' ') || '(one process)'}: 2 reloads, 200 requests after, ${wrong} wrong, ` +
          `${run.errors} errors; reload lines: ${output.join('').split('SIGHUP received').length - 1}`,
      );
      if (wrong + run.errors > 0) console.log(output.join(''));
      expect(server.child.signalCode ?? server.child.exitCode).toBeNull();
      expect(wrong + run.errors).toBe(0);
    },
  );

  it('warm path › throughput with ROOT a symlink vs its real folder (printed, same run)', async () => {
    const figures: string[] = [];
    for (const [label, root] of [
      ['real folder', realpathSync(site.current)],
      ['symlink', site.current],
      ['real folder again', realpathSync(site.current)],
      ['symlink again', site.current],
    ]) {
      server = await startServer(cli, root, ['--quiet']);
      await hammer(server.origin, '/style.css', 500, () => undefined);
      const run = await hammer(server.origin, '/style.css', WARM_REQUESTS, () => undefined);
      figures.push(`${label}: ${Math.round(WARM_REQUESTS / run.seconds)} req/s`);
      expect(run.errors).toBe(0);
      await stopServer(server);
      server = undefined;
    }
    console.log(`warm 200s of a small static file, ${CONCURRENCY} clients: ${figures.join(', ')}`);
  });
});
