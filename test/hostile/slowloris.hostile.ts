// Slowloris: more half-open connections than the cap, each sending a partial request and then nothing. The
// server's descriptors stay bounded by the cap, it never crashes, and once the header timeout closes the
// half-open connections a normal request is answered. A keep-alive connection idle past the header timeout
// still works: that deadline runs from a request's first byte, not from the last response.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCli, startServer, stopServer, type ServerChild } from '../soak/server-child';
import { descriptorCount, endAttack, openHalfOpen, plainGet } from './support/slowloris-client';

const CAP = 200;
const ATTACK_CONNECTIONS = 1000;
const HEADERS_TIMEOUT_MS = 1000;
const KEEP_ALIVE_TIMEOUT_MS = 5000;
/** Descriptors a serve process holds besides connections (stdio, epoll, libuv, the listening socket). */
const DESCRIPTOR_SLACK = 64;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('slowloris', () => {
  let root: string;
  let server: ServerChild;
  let port: number;
  let pid: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cdn-include-slowloris-'));
    writeFileSync(join(root, 'index.html'), '<p>hello</p>\n');
    server = await startServer(findCli(), root, [
      '--quiet',
      '--max-connections',
      String(CAP),
      '--headers-timeout',
      String(HEADERS_TIMEOUT_MS),
      '--keep-alive-timeout',
      String(KEEP_ALIVE_TIMEOUT_MS),
    ]);
    port = Number(new URL(server.origin).port);
    pid = server.child.pid ?? 0;
  });

  afterAll(async () => {
    await stopServer(server);
    rmSync(root, { recursive: true, force: true });
  });

  it('more half-open connections than the cap › descriptors stay bounded, then a normal request is answered', async () => {
    const baseline = descriptorCount(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, descriptorCount(pid))), 20);
    const started = Date.now();
    const attack = await openHalfOpen(port, ATTACK_CONNECTIONS);
    const openedMs = Date.now() - started;
    await sleep(200);
    const heldAfterAttack = attack.open();
    const duringAttack = await plainGet(port, '/', 500);
    // Poll until the half-open connections have been timed out and a request gets through again.
    let answered: number | string = duringAttack;
    while (answered !== 200 && Date.now() - started < HEADERS_TIMEOUT_MS + 10_000) {
      await sleep(100);
      answered = await plainGet(port, '/', 500);
    }
    const recoveredMs = Date.now() - started;
    const heldAtRecovery = attack.open();
    // Connections still in the accept queue are taken as slots free, then timed out in their turn.
    while (attack.open() > 0 && Date.now() - started < 3 * HEADERS_TIMEOUT_MS + 10_000) await sleep(100);
    const allClosedMs = Date.now() - started;
    clearInterval(sampler);
    const heldAtEnd = attack.open();
    endAttack(attack);
    console.log(
      `slowloris: ${ATTACK_CONNECTIONS} half-open connections against --max-connections ${CAP} ` +
        `--headers-timeout ${HEADERS_TIMEOUT_MS}: opened in ${openedMs} ms, ${heldAfterAttack} held by the server ` +
        `after 200 ms; server descriptors ${baseline} before, ${peak} at peak; a normal GET during the attack: ` +
        `${duringAttack}; answered ${answered} ${recoveredMs} ms after the attack began, ${heldAtRecovery} ` +
        `attack connections still open then (taken from the accept queue); ${heldAtEnd} open after ${allClosedMs} ms`,
    );
    expect(server.child.exitCode).toBeNull();
    expect(heldAfterAttack).toBeLessThanOrEqual(CAP);
    expect(peak).toBeLessThanOrEqual(baseline + CAP + DESCRIPTOR_SLACK);
    expect(answered).toBe(200);
    expect(heldAtEnd).toBe(0);
  });

  it('a keep-alive connection idle longer than the header timeout › its next request is answered', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.once('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
        });
        req.once('error', reject);
        req.end();
      });
    const first = await get();
    await sleep(HEADERS_TIMEOUT_MS * 2);
    const second = await get();
    agent.destroy();
    console.log(
      `slowloris: keep-alive request after ${HEADERS_TIMEOUT_MS * 2} ms idle: ${second.status}, ` +
        `same connection: ${first.socket === second.socket}`,
    );
    expect(second.status).toBe(200);
    expect(second.socket).toBe(first.socket);
  });
});
