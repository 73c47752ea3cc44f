// Two real `cdn-include serve` origins (each with its own state folder, as two machines) on identical files (a
// `cp -a` copy) behind one nginx that round-robins between them and revalidates with If-Modified-Since alone:
// both send the same validators, and after an older-mtime swap on both and a restart of one, the edge never keeps
// the old page. Needs `npm run build` (the origins run dist/) and nginx.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findCli, type ServerChild, startServer, stopServer } from '../soak/server-child';
import { freePort, type ServerProcess } from '../support/server-process';
import { edgeGet } from './edge-request';
import { startFleetNginx } from './fleet-nginx';

const PAGES = ['/p1.shtml', '/p2.shtml', '/p3.shtml', '/p4.shtml'];
/** Rounds of edge requests after the swap, each once the edge's copies have expired. */
const ROUNDS = 3;
/** Past the edge's 1 s TTL: nginx keeps whole-second expiry times, so 1 s can last just under 2 s. */
const PAST_TTL_MS = 2200;
const BASE_SECONDS = Date.UTC(2024, 0, 15, 12, 0, 0) / 1000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function write(root: string, path: string, text: string, mtimeSeconds: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

/** One origin of the fleet: its docroot, port and state home, and the running process. */
interface Origin {
  root: string;
  port: number;
  env: NodeJS.ProcessEnv;
  server?: ServerChild;
}

describe('a fleet of two origins behind nginx (round-robin, If-Modified-Since revalidation)', () => {
  const cli = findCli();
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-fleet-'));
  const origins: Origin[] = [];
  let edge: ServerProcess | undefined;

  const start = async (origin: Origin): Promise<void> => {
    // --port again after startServer's own `--port 0`: the last one wins, so a restart keeps the upstream's port.
    const flags = ['--quiet', '--port', String(origin.port), '--revalidate-window', '0'];
    origin.server = await startServer(cli, origin.root, flags, [], origin.env);
  };

  beforeAll(async () => {
    const first = join(folder, 'a');
    for (const [index, page] of PAGES.entries()) {
      write(first, page, `<h1>${page}</h1><!--#include virtual="/inc/frag.html" -->\n`, BASE_SECONDS + index);
    }
    write(first, 'inc/frag.html', 'fragment version 1', BASE_SECONDS + 10);
    for (const path of ['inc', '.']) utimesSync(join(first, path), BASE_SECONDS, BASE_SECONDS);
    execFileSync('cp', ['-a', first, join(folder, 'b')]);
    for (const name of ['a', 'b']) {
      const stateHome = join(folder, `state-${name}`);
      origins.push({
        root: join(folder, name),
        port: await freePort(),
        env: { ...process.env, XDG_STATE_HOME: stateHome },
      });
    }
    for (const origin of origins) await start(origin);
    edge = await startFleetNginx(
      join(folder, 'nginx'),
      origins.map((origin) => origin.port),
    );
  });

  afterAll(async () => {
    await edge?.stop();
    for (const origin of origins) if (origin.server) await stopServer(origin.server);
    rmSync(folder, { recursive: true, force: true });
  });

  it('identical files › identical ETag and Last-Modified from both origins', async () => {
    const differing: string[] = [];
    for (const page of PAGES) {
      const [a, b] = await Promise.all(origins.map((origin) => edgeGet(origin.port, page)));
      if (a.headers.etag !== b.headers.etag || a.headers['last-modified'] !== b.headers['last-modified']) {
        differing.push(
          `${page}: ${a.headers.etag} ${a.headers['last-modified']} / ${b.headers.etag} ${b.headers['last-modified']}`,
        );
      }
      expect(a.headers.etag).toBeDefined();
      expect(a.headers['last-modified']).toBeDefined();
    }
    console.log(
      `fleet: ${PAGES.length} pages on two cp -a copies, ${differing.length} with different validators ${differing.join('; ')}`,
    );
    expect(differing).toEqual([]);
  });

  it('an older-mtime swap on both, one origin restarted › the edge serves 0 stale pages', async () => {
    const port = (edge as ServerProcess).port;
    for (const page of PAGES) expect((await edgeGet(port, page)).status).toBe(200);
    for (const origin of origins)
      write(origin.root, 'inc/frag.html', 'fragment version 2, restored', BASE_SECONDS - 86_400);
    await stopServer(origins[1].server as ServerChild);
    await start(origins[1]);
    let stale = 0;
    const cacheStatuses = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      await sleep(PAST_TTL_MS);
      for (const page of PAGES) {
        const response = await edgeGet(port, page);
        const status = response.headers['x-cache-status'] ?? '(none)';
        cacheStatuses.set(status, (cacheStatuses.get(status) ?? 0) + 1);
        if (response.status !== 200 || !response.body.includes('fragment version 2')) stale++;
      }
    }
    console.log(
      `fleet behind nginx: ${ROUNDS * PAGES.length} edge requests after the swap and a restart of one origin ` +
        `(${[...cacheStatuses].map(([status, count]) => `${status} ${count}`).join(', ')}): ${stale} stale`,
    );
    expect(stale).toBe(0);
  });
});
