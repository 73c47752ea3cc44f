// `cdn-include serve --workers 2` as a real process: compiled to JavaScript first (cluster workers must
// run JavaScript), then started on a free port, asked for a page by several connections, stopped with SIGTERM.

import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { at, TempSite } from '../support/temp-site';
import { waitFor } from '../support/wait-for';
import { compiledPackage } from '../support/compiled-cli';

jest.setTimeout(60_000);

let outDir: string;
let site: TempSite;
let child: ChildProcess | undefined;

beforeAll(async () => {
  outDir = await compiledPackage();
  site = new TempSite()
    .write('index.shtml', 'hi <!--#include virtual="/inc/x.html" -->', at(1))
    .write('inc/x.html', 'there', at(2));
});

afterAll(() => {
  child?.kill('SIGKILL');
  site.remove();
});

function waitForUrl(process: ChildProcess, output: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr?.on('data', (chunk: Buffer) => void output.push(chunk.toString()));
    process.stdout?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      const url = /http:\/\/\S+/.exec(output.join(''))?.[0];
      if (url) resolve(url.replace(/\/$/, ''));
    });
    process.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output.join('')}`)));
  });
}

/** The processes whose parent is `pid` (Linux /proc: field 4 of /proc/N/stat, after the parenthesized name). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // The process ended while the folder was read.
    }
  }
  return children;
}

/** The read system calls process `pid` made so far (Linux /proc/PID/io, `syscr`). */
function readCalls(pid: number): number {
  return Number(/syscr: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1]);
}

/** A loopback port free right now: the replacements of dead workers must listen on the same one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
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
    const output: string[] = [];
    child = spawn(
      process.execPath,
      [join(outDir, 'cli/main.js'), 'serve', site.root, '--port', '0', '--workers', '2', '--quiet'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const url = await waitForUrl(child, output);
    expect(output.join('')).toContain('with 2 workers');
    const workers = childrenOf(child.pid as number);
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
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
  });

  it('metrics › every scrape, whichever worker it reaches, has the series of both workers, summing to all requests', async () => {
    const output: string[] = [];
    child = spawn(
      process.execPath,
      [join(outDir, 'cli/main.js'), 'serve', site.root, '--port', '0', '--workers', '2', '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const url = await waitForUrl(child, output);
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
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
  });

  it('a worker killed with SIGKILL › logged and replaced; the replacements serve', async () => {
    const output: string[] = [];
    child = spawn(
      process.execPath,
      [join(outDir, 'cli/main.js'), 'serve', site.root, '--port', String(await freePort())].concat([
        '--host',
        '127.0.0.1',
        '--workers',
        '2',
        '--quiet',
      ]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const url = await waitForUrl(child, output);
    const primary = child.pid as number;
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
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
  });
});
