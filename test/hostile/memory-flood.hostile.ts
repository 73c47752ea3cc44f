// Memory bounded by configuration, whatever the traffic: a real `cdn-include serve` with its default budgets, a
// 256 MiB heap and the young generation capped (README "Memory model") is flooded with distinct 8 KB query strings, then with distinct header values (Accept-Language and
// X-Anything read by pages, Host, Accept-Encoding); its RSS is sampled and must stay within the budgets plus a
// stated constant, and it must still answer a probe.
// CDN_INCLUDE_HOSTILE_FLOOD_SECONDS=60 runs the long version (20 s per flood by default, to keep CI short).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEAP_FLAGS } from '../../bench/memory-budget';
import { findCli, type ServerChild, startServer, stopServer } from '../soak/server-child';
import { flood, type FloodRequest, type FloodResult, mib, send } from './support/memory-flood';

const FLOOD_SECONDS = Number(process.env.CDN_INCLUDE_HOSTILE_FLOOD_SECONDS ?? 20);
const MiB = 1024 * 1024;
/** serve's default budgets: render cache (--cache-size 64), file cache, validator history, memos (README). */
const BUDGETS = (64 + 32 + 8 + 5) * MiB;
/**
 * What the process may hold beyond its budgets and its RSS at start (README "Render cache"): V8's young
 * generation and the garbage a 256 MiB heap lets pile up between collections, and the 32 connections' buffers.
 */
const CONSTANT = 96 * MiB;

const FILLER = 'x'.repeat(8000);
const PAGES: Record<string, string> = {
  'plain.shtml': '<p>plain</p>\n',
  'lang.shtml': '<p>hello <!--#echo var="HTTP_ACCEPT_LANGUAGE" --></p>\n',
  'if.shtml': `<p><!--#if expr="%{HTTP:X-Anything} == 'a'" -->A<!--#else -->B<!--#endif --></p>\n${'<p>text</p>\n'.repeat(200)}`,
};

let root: string;
let server: ServerChild | undefined;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cdn-include-memory-flood-'));
  for (const [name, text] of Object.entries(PAGES)) writeFileSync(join(root, name), text);
});

afterEach(async () => {
  if (server) await stopServer(server);
  server = undefined;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts serve with its default budgets, compression on, and the heap flags README "Memory model" pairs them with. */
function startFloodedServer(): Promise<ServerChild> {
  return startServer(findCli(), root, ['--compress', '--quiet'], [...HEAP_FLAGS]);
}

async function floodAndProbe(name: string, request: FloodRequest): Promise<FloodResult> {
  server = await startFloodedServer();
  const result = await flood({
    origin: server.origin,
    pid: server.child.pid,
    seconds: FLOOD_SECONDS,
    request,
  });
  const probe = await send(undefined, server.origin, { path: '/plain.shtml', headers: {} });
  const bound = result.startRss + BUDGETS + CONSTANT;
  console.log(
    `${name}: ${result.sent} requests in ${FLOOD_SECONDS} s (${result.failed} failed: ${JSON.stringify(result.failures)}), RSS start ${mib(result.startRss)}, ` +
      `peak ${mib(result.peakRss)}, end ${mib(result.endRss)}; bound ${mib(bound)}; probe ${probe}; ` +
      `server alive: ${server.child.exitCode === null}`,
  );
  expect(server.child.exitCode).toBeNull();
  expect(probe).toBe(200);
  expect(result.failed).toBe(0);
  // A flood is no reason for the validator ledger to fail (a lock left behind once kept writers waiting 10 s).
  expect(server.stderrTail()).not.toContain('validator state unavailable');
  if (result.startRss > 0) expect(result.peakRss).toBeLessThanOrEqual(bound);
  return result;
}

describe('memory flood against serve with default budgets and a 256 MiB heap', () => {
  it('distinct 8 KB query strings › RSS within budgets + constant, probe answered', async () => {
    await floodAndProbe('distinct-URL flood', (index) => ({
      path: `/plain.shtml?q=${index}-${FILLER}`,
      headers: { 'accept-encoding': 'gzip, br' },
    }));
  });

  it('distinct header values (Accept-Language, X-Anything, Host, Accept-Encoding) › RSS within bound, probe answered', async () => {
    await floodAndProbe('distinct-header flood', (index): ReturnType<FloodRequest> => {
      const value = `${index}-${FILLER}`;
      switch (index % 4) {
        case 0:
          return { path: '/lang.shtml', headers: { 'accept-language': value } };
        case 1:
          return { path: '/if.shtml', headers: { 'x-anything': value, 'accept-encoding': 'gzip' } };
        case 2:
          return { path: '/plain.shtml', headers: { host: `h${index}.${'a'.repeat(200)}.example` } };
        default:
          return {
            path: '/if.shtml',
            headers: { 'accept-encoding': `gzip;q=0.5, br;q=0.${index % 9}, ${value}` },
          };
      }
    });
  });
});
