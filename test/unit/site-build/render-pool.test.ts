// The render pool's answers when its worker fails: a page's error or a dead worker fails that page, never the build.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RenderPool } from '../../../src/site-build/render-pool';

const folder = mkdtempSync(join(tmpdir(), 'cdn-include-pool-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A worker script that answers each batch of requests with `answer(request)` (JavaScript returning a response). */
function workerScript(name: string, answer: string): string {
  const script = join(folder, `${name}.js`);
  writeFileSync(
    script,
    "const { parentPort } = require('node:worker_threads');\n" +
      `parentPort.on('message', (requests) => parentPort.postMessage(requests.map((request) => ${answer})));\n`,
  );
  return script;
}

const SETTINGS = { root: folder, out: folder, render: {} };
/** A worker's answer (see workerScript) that fails each page with its own path: every page resolves, in order. */
const ANSWER_WITH_PATH = '({ id: request.id, result: { ok: false, message: request.path } })';
const CLOCK = { now: 0, stampTime: 0 };

describe('RenderPool', () => {
  it('a worker that answers › each page resolves with its own result', async () => {
    const script = workerScript('echo', ANSWER_WITH_PATH);
    const pool = new RenderPool(SETTINGS, 2, script);
    try {
      const write = pool.writer(CLOCK);
      const results = await Promise.all(['/a', '/b', '/c'].map((path) => write(path, undefined)));
      expect(results).toEqual(['/a', '/b', '/c'].map((message) => ({ ok: false, message })));
    } finally {
      await pool.close();
    }
  });

  it('a render that throws › that page rejects with the message', async () => {
    const script = workerScript('throws', "({ id: request.id, error: 'EMFILE: too many' })");
    const pool = new RenderPool(SETTINGS, 1, script);
    try {
      await expect(pool.writer(CLOCK)('/a', undefined)).rejects.toThrow('EMFILE: too many');
    } finally {
      await pool.close();
    }
  });

  it('a worker that dies › its pages reject naming it, and later pages fail once replacements run out', async () => {
    const pool = new RenderPool(SETTINGS, 1, workerScript('dies', 'process.exit(3)'));
    try {
      const write = pool.writer(CLOCK);
      await expect(write('/a', undefined)).rejects.toThrow('its render worker stopped (exit code 3)');
      for (let attempt = 0; attempt < 4; attempt++) await write('/b', undefined).catch(() => undefined);
      await expect(write('/c', undefined)).rejects.toThrow(/render worker/);
    } finally {
      await pool.close();
    }
  });

  it('closed twice (early, then when the command ends) › stops each worker once, and both calls share one promise', async () => {
    const script = workerScript('close', ANSWER_WITH_PATH);
    const pool = new RenderPool(SETTINGS, 2, script);
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    try {
      pool.start();
      await pool.writer(CLOCK)('/a', undefined);
      const early = pool.close();
      const late = pool.close();
      expect(late).toBe(early);
      await late;
      expect(terminate).toHaveBeenCalledTimes(2);
      await expect(pool.writer(CLOCK)('/b', undefined)).rejects.toThrow('the render workers were stopped');
    } finally {
      terminate.mockRestore();
      await pool.close();
    }
  });

  it('started before the first page › its workers start at once, once, and none after it is closed', async () => {
    const { script, started } = countingWorker('marks');
    const pool = new RenderPool(SETTINGS, 2, script);
    try {
      pool.start();
      pool.start();
      for (let wait = 0; started() < 2 && wait < 200; wait++)
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect(started()).toBe(2);
      await pool.writer(CLOCK)('/a', undefined);
      expect(started()).toBe(2);
    } finally {
      await pool.close();
    }
    pool.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started()).toBe(2);
  });

  it('one page to render › one worker starts, not the whole pool', async () => {
    expect(await workersStartedFor(['/a'])).toBe(1);
  });

  it('many pages at once › every worker starts', async () => {
    expect(await workersStartedFor(Array.from({ length: 16 }, (_, index) => `/p${index}`))).toBe(2);
  });
});

/** How many workers a pool of 2 started to render `paths` at once, counted as the workers close() stops. */
async function workersStartedFor(paths: readonly string[]): Promise<number> {
  const script = workerScript('answers', ANSWER_WITH_PATH);
  const pool = new RenderPool(SETTINGS, 2, script);
  const terminate = jest.spyOn(Worker.prototype, 'terminate');
  try {
    const write = pool.writer(CLOCK);
    await Promise.all(paths.map((path) => write(path, undefined)));
    await pool.close();
    return terminate.mock.calls.length;
  } finally {
    terminate.mockRestore();
  }
}

/** A worker script that counts its starts in a file and answers every page; `started()` reads the count. */
function countingWorker(name: string): { script: string; started: () => number } {
  const marks = join(folder, `${name}-started.txt`);
  writeFileSync(marks, '');
  const script = join(folder, `${name}.js`);
  writeFileSync(
    script,
    "const { parentPort } = require('node:worker_threads');\n" +
      `require('node:fs').appendFileSync(${JSON.stringify(marks)}, 'x');\n` +
      "parentPort.on('message', (requests) => parentPort.postMessage(requests.map((request) => " +
      `${ANSWER_WITH_PATH})));\n`,
  );
  return { script, started: () => readFileSync(marks, 'utf8').length };
}
