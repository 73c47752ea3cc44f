// `cdn-include serve | head -1` and `cdn-include build | head -1` as an operator types them: the reader of stdout
// goes away after one line. serve keeps answering (its access log is dropped), build finishes and exits 0; neither
// prints an EPIPE stack trace.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCli } from '../soak/server-child';
import { plainGet } from './support/slowloris-client';

const PAGES = 300;

/** Runs `node cli ...args | head -1` through sh; resolves with what stderr said, the exit status of the CLI. */
function runIntoHead(args: string[]) {
  const quoted = [process.execPath, findCli(), ...args].map((arg) => `'${arg}'`).join(' ');
  // The CLI's stderr is kept apart; its exit status is written last to fd 3.
  const script = `{ ${quoted} 2>&4; echo "status $?" >&3; } | head -n 1`;
  // Its own process group, so the pipeline (sh, the CLI, head) can be stopped as one.
  const child = spawn('sh', ['-c', script], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const stderr: string[] = [];
  const fd3: string[] = [];
  const stdio = child.stdio as unknown as NodeJS.ReadableStream[];
  stdio[4].setEncoding('utf8');
  stdio[4].on('data', (chunk: string) => stderr.push(chunk));
  stdio[3].setEncoding('utf8');
  stdio[3].on('data', (chunk: string) => fd3.push(chunk));
  const firstLine = new Promise<string>((resolve) => {
    child.stdout?.setEncoding('utf8').once('data', (chunk: string) => resolve(chunk));
  });
  return { child, stderr, fd3, firstLine };
}

describe('stdout closed by its reader', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'cdn-include-epipe-'));
    for (let page = 0; page < PAGES; page++) writeFileSync(join(root, `p${page}.shtml`), `<p>${page}</p>\n`);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('build | head -1 › finishes writing the site and exits 0, no stack trace', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cdn-include-epipe-out-'));
    const run = runIntoHead(['build', root, '--out', out]);
    await new Promise((resolve) => run.child.once('exit', resolve));
    const written = readdirSync(out).filter((name) => name.endsWith('.shtml')).length;
    rmSync(out, { recursive: true, force: true });
    console.log(
      `broken pipe: build | head -1 → ${run.fd3.join('').trim()}, ${written}/${PAGES} pages written, ` +
        `stderr ${JSON.stringify(run.stderr.join('').slice(0, 200))}`,
    );
    expect(run.fd3.join('')).toContain('status 0');
    expect(written).toBe(PAGES);
    expect(run.stderr.join('')).not.toMatch(/EPIPE|at .*\(/);
  });

  it('serve | head -1 › keeps answering requests, no stack trace', async () => {
    const run = runIntoHead(['serve', root, '--port', '0', '--host', '127.0.0.1']);
    const line = await run.firstLine;
    const port = Number(/:(\d+)\//.exec(line)?.[1]);
    const statuses: Array<number | string> = [];
    for (let request = 0; request < 50; request++) statuses.push(await plainGet(port, `/p${request}.shtml`));
    const alive = run.child.exitCode === null;
    const exited = new Promise((resolve) => run.child.once('exit', resolve));
    process.kill(-(run.child.pid ?? 0), 'SIGTERM');
    await exited;
    console.log(
      `broken pipe: serve | head -1 → ${statuses.filter((status) => status === 200).length}/50 answered 200 ` +
        `after head exited; stderr ${JSON.stringify(run.stderr.join('').slice(0, 200))}`,
    );
    expect(alive).toBe(true);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(run.stderr.join('')).not.toMatch(/EPIPE|at .*\(/);
  });
});
