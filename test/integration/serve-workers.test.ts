// `cdn-include serve --workers 2` as a real process: compiled to JavaScript first (cluster workers must
// run JavaScript), then started on a free port, asked for a page by several connections, stopped with SIGTERM.

import { readFileSync } from 'node:fs';
import request from 'supertest';
import { at, TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';
import { childrenOf } from '../support/process-tree';
import { startServeProcess, type ServeProcess } from '../support/serve-process';
import { freePort } from '../support/server-process';

jest.setTimeout(60_000);

let site: TempSite;
let serving: ServeProcess | undefined;

beforeAll(() => {
  site = new TempSite()
    .write('index.shtml', 'hi <!--#include virtual="/inc/x.html" -->', at(1))
    .write('inc/x.html', 'there', at(2));
});

afterAll(() => {
  serving?.child.kill('SIGKILL');
  site.remove();
});

/** Starts `serve ROOT --workers 2 --quiet ...extra` as a real process. */
async function startWorkers(extra: string[] = ['--port', '0']): Promise<ServeProcess> {
  serving = await startServeProcess([site.root, '--workers', '2', '--quiet', ...extra]);
  return serving;
}

/** SIGTERM, then the exit code once every worker drained. */
async function stop(running: ServeProcess): Promise<number | string> {
  running.child.kill('SIGTERM');
  const code = await running.exited;
  serving = undefined;
  return code;
}

/** The read system calls process `pid` made so far (Linux /proc/PID/io, `syscr`). */
function readCalls(pid: number): number {
  return Number(/syscr: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1]);
}

/** GETs `url` until it answers (a replacement may not listen yet), for a few seconds at most. */
async function getOnceListening(url: string): Promise<request.Response> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await request(url).get('/').set('Connection', 'close');
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('serve --workers 2', () => {
  it('prints one URL, serves the page from both workers, and stops cleanly on SIGTERM', async () => {
    const running = await startWorkers();
    const { url } = running;
    expect(running.output.join('')).toContain('with 2 workers');
    const workers = childrenOf(running.child.pid as number);
    expect(workers).toHaveLength(2);
    const readsBefore = workers.map(readCalls);
    const replies = await Promise.all(
      Array.from({ length: 16 }, () => request(url).get('/').set('Connection', 'close')),
    );
    // Each worker read requests from sockets of its own: both answered (node:cluster hands out connections in turn).
    const readsAfter = workers.map(readCalls);
    for (const [index, before] of readsBefore.entries()) expect(readsAfter[index]).toBeGreaterThan(before);
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.text).toBe('hi there');
    }
    expect(new Set(replies.map((reply) => reply.headers.etag)).size).toBe(1);
    expect(await stop(running)).toBe(0);
  });

  it('metrics › every scrape, whichever worker it reaches, has the series of both workers, summing to all requests', async () => {
    const running = await startWorkers();
    const { url } = running;
    const sent = 16;
    await Promise.all(Array.from({ length: sent }, () => request(url).get('/').set('Connection', 'close')));
    // Several scrapes on connections of their own: node:cluster hands them to both workers in turn.
    for (let scrape = 0; scrape < 4; scrape++) {
      const reply = await request(url).get('/_cdn-include/metrics').set('Connection', 'close');
      expect(reply.status).toBe(200);
      const counts = [...reply.text.matchAll(/^cdn_include_requests_total\{([^}]*)\} (\d+)$/gm)].map(
        ([, labels, value]) => ({ labels, value: Number(value) }),
      );
      const workers = new Set(counts.map(({ labels }) => /worker="(\d+)"/.exec(labels)?.[1]));
      expect(workers).toEqual(new Set(['1', '2']));
      const ok = counts.filter(({ labels }) => labels.includes('status="200"'));
      expect(ok.reduce((sum, { value }) => sum + value, 0)).toBe(sent);
    }
    expect(await stop(running)).toBe(0);
  });

  it('a worker killed with SIGKILL › logged and replaced; the replacements serve', async () => {
    const running = await startWorkers(['--port', String(await freePort()), '--host', '127.0.0.1']);
    const { url, output } = running;
    const primary = running.child.pid as number;
    const original = childrenOf(primary);
    expect(original).toHaveLength(2);
    // Kill both original workers one after the other: every answer afterwards comes from a replacement.
    for (const victim of original) {
      process.kill(victim, 'SIGKILL');
      await waitFor(
        () => output.join('').includes(`worker ${victim} ended (SIGKILL); starting another`),
        `the log line for worker ${victim}`,
        10_000,
      );
      await waitFor(
        () => {
          const now = childrenOf(primary);
          return now.length === 2 && !now.includes(victim);
        },
        'a replacement worker',
        10_000,
      );
    }
    const current = childrenOf(primary);
    expect(current.some((pid) => original.includes(pid))).toBe(false);
    for (let index = 0; index < 4; index++) expect((await getOnceListening(url)).text).toBe('hi there');
    expect(await stop(running)).toBe(0);
  });
});
