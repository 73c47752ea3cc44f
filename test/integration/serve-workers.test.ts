// `cdn-include serve --workers 2` as a real process: compiled to a scratch folder first (cluster workers must
// run JavaScript), then started on a free port, asked for a page by several connections, stopped with SIGTERM.

import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { at, TempSite } from '../support/temp-site';

jest.setTimeout(60_000);

let outDir: string;
let site: TempSite;
let child: ChildProcess | undefined;

beforeAll(() => {
  // Inside node_modules, so the compiled files resolve koa and the other dependencies of the package.
  const cache = join(__dirname, '../../node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  outDir = mkdtempSync(join(cache, 'cdn-include-dist-'));
  const tsc = join(__dirname, '../../node_modules/typescript/bin/tsc');
  execFileSync(
    process.execPath,
    [tsc, '-p', join(__dirname, '../../tsconfig.build.json'), '--outDir', outDir],
    { stdio: 'ignore' },
  );
  site = new TempSite()
    .write('index.shtml', 'hi <!--#include virtual="/inc/x.html" -->', at(1))
    .write('inc/x.html', 'there', at(2));
});

afterAll(() => {
  child?.kill('SIGKILL');
  site.remove();
  rmSync(outDir, { recursive: true, force: true });
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
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => request(url).get('/').set('Connection', 'close')),
    );
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
});
