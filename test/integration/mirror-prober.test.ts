// The mirror prober against real HTTP mirrors (node:http static servers) serving copies of real `cdn-include build`
// outputs: one fresh, one a build behind (a changed page), one holding part of the site; eligibility per path with
// each exclusion's reason, conditional manifest requests, a flipped byte and a deleted file caught by the spot check,
// and a mirror stopped then started again, back within one interval. `serve` runs the prober from its config file.

import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MirrorStanding } from '../../src/mirrors/mirror-directory';
import { MirrorProber } from '../../src/mirrors/mirror-prober';
import { tagOf } from '../../src/server/purge-tags';
import { runCliOnce, startCli } from '../support/running-cli';
import { StaticMirror } from '../support/static-mirror';
import { TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';

const MANIFEST = '/.well-known/cdn-include/manifest.json';
const INTERVAL_MS = 300;
const TIMEOUT_MS = 1000;
/** The longest a change may take to show: the rest of an interval, then a round whose requests may time out. */
const ONE_INTERVAL_BOUND_MS = INTERVAL_MS + 2 * TIMEOUT_MS;

const folders: string[] = [];
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-mirror-'));
  folders.push(folder);
  return folder;
}

async function build(root: string): Promise<string> {
  const out = tempFolder();
  const outcome = await runCliOnce(['build', root, '--out', out]);
  expect(outcome.code).toBe(0);
  return out;
}

/** The SHA-256 (base64) of a file of a build output, computed here: what the origin's Repr-Digest carries. */
function sha256Of(out: string, path: string): string {
  return createHash('sha256')
    .update(readFileSync(join(out, path)))
    .digest('base64');
}

/** A copy of a build output, served by a mirror of its own. */
async function mirrorOf(out: string): Promise<StaticMirror> {
  const copy = tempFolder();
  cpSync(out, copy, { recursive: true });
  const mirror = new StaticMirror(copy);
  await mirror.start();
  return mirror;
}

function reasons(standings: readonly MirrorStanding[]): Record<string, string> {
  return Object.fromEntries(
    standings.map((standing) => [standing.mirror.name, standing.eligible ? 'eligible' : standing.reason]),
  );
}

const site = new TempSite();
const DATA = Buffer.from(Array.from({ length: 100_000 }, (_, index) => (index * 7919) % 251));
let current: string;
let fresh: StaticMirror;
let behind: StaticMirror;
let partial: StaticMirror;
let prober: MirrorProber;

beforeAll(async () => {
  site
    .write('index.shtml', '<!--#include virtual="/inc/nav.html" --><p>home</p>\n')
    .write('inc/nav.html', '<nav>site</nav>\n')
    .write('news.shtml', '<p>news of Monday</p>\n')
    .write('files/data.bin', DATA)
    .write('files/readme.txt', 'read me\n');
  const previous = await build(site.root);
  site.write('news.shtml', '<p>news of Tuesday</p>\n');
  current = await build(site.root);
  fresh = await mirrorOf(current);
  behind = await mirrorOf(previous);
  partial = await mirrorOf(current);
  // A mirror carrying part of the site publishes a manifest of what it holds.
  for (const path of ['/files/data.bin', '/news.shtml']) unlinkSync(join(partial.folder, path));
  const manifestFile = join(partial.folder, MANIFEST);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  delete manifest.files['/files/data.bin'];
  delete manifest.files['/news.shtml'];
  writeFileSync(manifestFile, JSON.stringify(manifest));
  prober = new MirrorProber({
    mirrors: [
      { name: 'partial', url: partial.url, priority: 3 },
      { name: 'fresh', url: fresh.url, priority: 1 },
      { name: 'behind', url: behind.url, priority: 2 },
    ],
    intervalMs: INTERVAL_MS,
    timeoutMs: TIMEOUT_MS,
    // Always the first path of a manifest (sorted): /files/data.bin, or /files/readme.txt on the partial mirror.
    random: () => 0,
  });
  prober.start();
  await waitFor(
    () =>
      prober
        .mirrorStandings('/', '')
        .every((standing) => standing.eligible || standing.reason === 'no such file'),
    'a first round of checks',
    ONE_INTERVAL_BOUND_MS,
  );
}, 30_000);

afterAll(async () => {
  await prober?.stop();
  await Promise.all([fresh, behind, partial].map((mirror) => mirror?.stop()));
  site.remove();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('the prober with real HTTP mirrors', () => {
  it('the changed page › only the fresh mirror; the one behind is stale, the partial one lacks it', () => {
    const digest = sha256Of(current, '/news.shtml');
    expect(prober.eligibleMirrors('/news.shtml', digest).map((mirror) => mirror.name)).toEqual(['fresh']);
    expect(reasons(prober.mirrorStandings('/news.shtml', digest))).toEqual({
      fresh: 'eligible',
      behind: 'stale: other digest',
      partial: 'no such file',
    });
  });

  it('an unchanged page › every mirror, by priority; a file the partial mirror lacks › the other two', () => {
    const page = sha256Of(current, '/index.shtml');
    expect(prober.eligibleMirrors('/index.shtml', page).map((mirror) => mirror.name)).toEqual([
      'fresh',
      'behind',
      'partial',
    ]);
    const data = sha256Of(current, '/files/data.bin');
    expect(prober.eligibleMirrors('/files/data.bin', data).map((mirror) => mirror.name)).toEqual([
      'fresh',
      'behind',
    ]);
    expect(prober.eligibleMirrors('/files/data.bin', sha256Of(current, '/files/readme.txt'))).toEqual([]);
  });

  it('the next manifest request › conditional, with the prober’s User-Agent, answered 304', async () => {
    const manifestHits = () => fresh.hits.filter((hit) => hit.path === MANIFEST);
    await waitFor(() => manifestHits().length >= 2, 'a second manifest request', ONE_INTERVAL_BOUND_MS);
    const [first, second] = manifestHits();
    expect(first.headers['if-none-match']).toBeUndefined();
    expect(first.status).toBe(200);
    expect(second.headers['if-none-match']).toMatch(/^"/);
    expect(second.headers['if-modified-since']).toMatch(/ GMT$/);
    expect(second.status).toBe(304);
    expect(first.headers['user-agent']).toBe('cdn-include-mirror-check');
    // The spot check fetched a file, never more than one per round.
    expect(fresh.hits.filter((hit) => hit.path === '/files/data.bin').length).toBeLessThanOrEqual(
      manifestHits().length,
    );
  });

  it('one flipped byte (same size) › the spot check leaves the mirror out, and the repair brings it back', async () => {
    const file = join(fresh.folder, 'files/data.bin');
    const flipped = Buffer.from(DATA);
    flipped[5000] ^= 0xff;
    writeFileSync(file, flipped);
    const page = sha256Of(current, '/index.shtml');
    await waitFor(
      () => !prober.eligibleMirrors('/index.shtml', page).some((mirror) => mirror.name === 'fresh'),
      'the flipped byte to be caught',
      ONE_INTERVAL_BOUND_MS,
    );
    expect(reasons(prober.mirrorStandings('/index.shtml', page)).fresh).toBe(
      'failed spot check: /files/data.bin: other SHA-256 than its manifest',
    );
    writeFileSync(file, DATA);
    await waitFor(
      () => prober.eligibleMirrors('/index.shtml', page).some((mirror) => mirror.name === 'fresh'),
      'the repaired mirror to come back',
      ONE_INTERVAL_BOUND_MS,
    );
  });

  it('a listed file deleted from a mirror › failed spot check naming the 404', async () => {
    const file = join(behind.folder, 'files/data.bin');
    const bytes = readFileSync(file);
    unlinkSync(file);
    const page = sha256Of(current, '/index.shtml');
    await waitFor(
      () => reasons(prober.mirrorStandings('/index.shtml', page)).behind !== 'eligible',
      'the deleted file to be caught',
      ONE_INTERVAL_BOUND_MS,
    );
    expect(reasons(prober.mirrorStandings('/index.shtml', page)).behind).toBe(
      'failed spot check: /files/data.bin: answered 404',
    );
    writeFileSync(file, bytes);
    await waitFor(
      () => reasons(prober.mirrorStandings('/index.shtml', page)).behind === 'eligible',
      'the restored mirror to come back',
      ONE_INTERVAL_BOUND_MS,
    );
  });

  it('a mirror stopped › left out as down; started again › back within one interval', async () => {
    const page = sha256Of(current, '/index.shtml');
    await fresh.stop();
    await waitFor(
      () => reasons(prober.mirrorStandings('/index.shtml', page)).fresh.startsWith('down: '),
      'the stopped mirror to be left out',
      ONE_INTERVAL_BOUND_MS,
    );
    expect(reasons(prober.mirrorStandings('/index.shtml', page)).fresh).toMatch(/^down: .*ECONNREFUSED/);
    const restarted = Date.now();
    await fresh.start();
    await waitFor(
      () => reasons(prober.mirrorStandings('/index.shtml', page)).fresh === 'eligible',
      'the restarted mirror to come back',
      ONE_INTERVAL_BOUND_MS,
    );
    expect(Date.now() - restarted).toBeLessThanOrEqual(ONE_INTERVAL_BOUND_MS);
  });
});

describe('bounds of a probe', () => {
  it('a manifest over the size cap › down, read no further than the cap', async () => {
    const capped = new MirrorProber({ mirrors: [{ name: 'm', url: partial.url }], maxManifestBytes: 100 });
    await capped.checkNow();
    expect(reasons(capped.mirrorStandings('/index.shtml', ''))).toEqual({
      m: 'down: body longer than 100 bytes',
    });
  });

  it('a mirror that accepts but never answers › down after the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const waiting = new MirrorProber({
        mirrors: [{ name: 'm', url: `http://127.0.0.1:${port}/` }],
        timeoutMs: 200,
      });
      const started = Date.now();
      await waiting.checkNow();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(reasons(waiting.mirrorStandings('/index.shtml', ''))).toEqual({
        m: 'down: no answer within 200 ms',
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('serve with mirrors in its config file', () => {
  it('probes them with its versioned User-Agent, logs one left out, stops the prober on reload and on exit', async () => {
    const mirror = await mirrorOf(current);
    const config = join(tempFolder(), 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mirrors: [
          { name: 'up', url: mirror.url, geo: 'de', priority: 1 },
          { name: 'gone', url: 'http://127.0.0.1:9/' },
        ],
        mirrorCheckInterval: 1,
      }),
    );
    const serve = await startCli(['serve', current, '--port', '0', '--config', config, '--quiet'], 'http://');
    try {
      await waitFor(() => serve.stdout.join('').includes('mirror up passes its checks'), 'mirror up', 5000);
      await waitFor(
        () => serve.stderr.join('').includes('mirror gone left out: down: '),
        'mirror gone',
        5000,
      );
      const version = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version;
      expect(mirror.hits[0].headers['user-agent']).toBe(`cdn-include-mirror-check/${version}`);
      // A reload that drops the mirror stops the prober that checked it.
      writeFileSync(config, JSON.stringify({ mirrors: [{ name: 'gone', url: 'http://127.0.0.1:9/' }] }));
      serve.reload();
      await waitFor(() => serve.stdout.join('').includes('configuration read again'), 'the reload', 5000);
      const hitsAtReload = mirror.hits.length;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(mirror.hits.length).toBe(hitsAtReload);
    } finally {
      serve.stop('SIGTERM');
      expect(await serve.exitCode).toBe(0);
      await mirror.stop();
    }
    // Stopped with the server: no probe after the exit.
    const probes = mirror.hits.length;
    await mirror.start();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(mirror.hits.length).toBe(probes);
    await mirror.stop();
  }, 15_000);

  it('with --watch and a purge target › a mirror failing or passing its checks purges the URLs of its files served', async () => {
    const mirror = await mirrorOf(current);
    const purges: Array<[string | undefined, string | undefined]> = [];
    const receiver = createServer((req, res) => {
      purges.push([req.headers['x-purge-url'] as string, req.headers['surrogate-key'] as string]);
      res.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const purgeUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const config = join(tempFolder(), 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ mirrors: [{ name: 'm', url: mirror.url }], mirrorCheckInterval: 1 }),
    );
    const serve = await startCli(
      [
        'serve',
        current,
        '--port',
        '0',
        '--config',
        config,
        '--quiet',
        '--watch',
        '--purge-url',
        purgeUrl,
      ].concat(['--purge-tag-header', 'Surrogate-Key']),
      'http://',
    );
    try {
      // The first round may end before the watch mode starts: no response carried links before it anyway.
      await waitFor(() => serve.stdout.join('').includes('mirror m passes its checks'), 'mirror m', 5000);
      const origin = /http:\/\/[\d.:]+\//.exec(serve.stdout.join(''))?.[0];
      const served = await fetch(`${origin}files/data.bin`);
      expect(served.headers.get('link')).toContain(`${mirror.url}files/data.bin>; rel=duplicate`);
      await served.arrayBuffer();
      const expected: [string, string] = ['/files/data.bin', tagOf('/files/data.bin')];
      await mirror.stop();
      await waitFor(() => purges.length > 0, 'the purge when the mirror is down', 5000);
      expect(purges).toEqual([expected]);
      await mirror.start();
      await waitFor(() => purges.length > 1, 'the purge when the mirror is back', 5000);
      expect(purges).toEqual([expected, expected]);
    } finally {
      serve.stop('SIGTERM');
      await serve.exitCode;
      await mirror.stop();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 15_000);
});
