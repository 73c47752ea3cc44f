// The `build --watch` row: starts cdn-include's build in watch mode on an already built site as a child process,
// edits one page again and again, and times each edit until the output file holds it. Stops the child by its pid.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** What to run and edit. */
export interface WatchEditsOptions {
  /** The built CLI, dist/cli/main.js. */
  cli: string;
  source: string;
  out: string;
  /** The page's source file and its output file (absolute). */
  page: string;
  output: string;
  /** Measured edits. */
  edits: number;
  /** Pause after an edit is seen, so two edits never fall into one batch of the watcher. @default 400 */
  pauseMs?: number;
  /** Longest wait for one edit; a slower one counts as this long. @default 10000 */
  timeoutMs?: number;
}

/** The times of the measured edits, ms, and how many did not show within the timeout. */
export interface WatchEditsResult {
  latenciesMs: number[];
  timedOut: number;
}

const READY_TIMEOUT_MS = 300_000;
const SETTLE_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the child prints `watching …` (build-command.ts, after its first build); rejects if it exits. */
function whenWatching(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    const timer = setTimeout(
      () => reject(new Error('build --watch never said it was watching')),
      READY_TIMEOUT_MS,
    );
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors = (errors + chunk).slice(-2000)));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      seen = (seen + chunk).slice(-4096);
      if (/^watching /m.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`build --watch exited with ${code} before watching:\n${errors}`));
    });
  });
}

/** Writes `text` into the page and polls the output until it holds `mark`; the time taken, ms. */
async function timeOneEdit(
  options: WatchEditsOptions,
  text: string,
  mark: string,
  timeoutMs: number,
): Promise<number | undefined> {
  const started = performance.now();
  writeFileSync(options.page, text);
  while (performance.now() - started < timeoutMs) {
    try {
      if (readFileSync(options.output, 'latin1').includes(mark)) return performance.now() - started;
    } catch {
      // Being replaced at this moment: read again.
    }
    await sleep(1);
  }
  return undefined;
}

/** Sends SIGTERM to the child (by its pid), SIGKILL after 10 s, and waits for it to exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * One unmeasured edit (the watcher is armed once it shows), then `edits` measured ones. Each edit rewrites the
 * page with a paragraph `edit NN` of the same length, so every edit changes bytes but not the size.
 *
 * @example
 * const { latenciesMs } = await measureWatchEdits({ cli, source, out, page, output, edits: 20 });
 */
export async function measureWatchEdits(options: WatchEditsOptions): Promise<WatchEditsResult> {
  const pauseMs = options.pauseMs ?? 400;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const original = readFileSync(options.page, 'utf8');
  const edited = (n: number): [string, string] => {
    const mark = `<p>edit ${String(n).padStart(3, '0')}</p>`;
    return [original.replace('</main>', `${mark}\n</main>`), mark];
  };
  const child = spawn(
    process.execPath,
    [options.cli, 'build', options.source, '--out', options.out, '--watch'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    await whenWatching(child);
    await sleep(SETTLE_MS);
    const [firstText, firstMark] = edited(0);
    if ((await timeOneEdit(options, firstText, firstMark, 60_000)) === undefined)
      throw new Error('build --watch did not write the first edit within 60 s');
    const result: WatchEditsResult = { latenciesMs: [], timedOut: 0 };
    for (let n = 1; n <= options.edits; n++) {
      await sleep(pauseMs);
      const [text, mark] = edited(n);
      const ms = await timeOneEdit(options, text, mark, timeoutMs);
      if (ms === undefined) result.timedOut++;
      result.latenciesMs.push(ms ?? timeoutMs);
    }
    return result;
  } finally {
    await stopChild(child);
    writeFileSync(options.page, original);
  }
}
