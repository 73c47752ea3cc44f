// Renders pages on worker threads, so a build uses every core: the main thread lists the site, decides what is
// stale, copies the other files and owns the manifest; the workers render and write the pages it sends them.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type PageRecord } from './manifest';
import { type PageWriter, type PageWriteResult } from './page-writer';
import { type BuildClock, type RenderWorkerSettings } from './render-worker-settings';

/** One page for a worker to render, for the build numbered `build`; they travel in arrays, both ways. */
export interface RenderRequest {
  id: number;
  build: number;
  clock: BuildClock;
  path: string;
  previous: PageRecord | undefined;
}

/** A worker's answer: the page's result, or the message of what was thrown while rendering it. */
export type RenderResponse = { id: number; result: PageWriteResult } | { id: number; error: string };

/** Workers that died are replaced, up to this many times per pool: one that keeps dying fails the pages instead. */
const MAX_REPLACEMENTS = 4;

/**
 * Pages waiting on every running worker before another one starts. A worker takes longer to start than a page
 * takes to render, so a few pages wait on the first while it loads; a rebuild with more to do fills the pool at once.
 */
const BUSY_THREAD_PAGES = 4;

/**
 * The compiled worker entry beside this module; undefined when running from TypeScript sources (the tests),
 * where no worker can load it, and pages are rendered in the calling thread.
 */
export function renderWorkerScript(): string | undefined {
  const script = join(__dirname, 'render-worker.js');
  return existsSync(script) ? script : undefined;
}

interface Waiting {
  resolve: (result: PageWriteResult) => void;
  reject: (err: Error) => void;
}

interface PoolThread {
  worker: Worker;
  /** Pages sent to this worker and not answered yet, by request id. */
  waiting: Map<number, Waiting>;
  /** Requests not posted yet: they go as one message per turn of the event loop, as the answers come back. */
  outbox: RenderRequest[];
}

/**
 * Up to a fixed number of render workers, started as pages come (a build with nothing stale starts none, one with a
 * page or two starts one) or all at once by start(), and kept for the builds that follow (--watch), each with its
 * own snapshot of the docroot. A page whose render throws, or whose worker dies, fails with that message; the build
 * goes on.
 *
 * @example
 * const pool = new RenderPool({ root: 'site', out: 'dist', render: {} }, 2, renderWorkerScript()!);
 * try {
 *   await buildSite({ ..., now, stampTime, pageWriter: pool.writer({ now, stampTime }) });
 * } finally {
 *   await pool.close();
 * }
 */
export class RenderPool {
  private readonly threads: PoolThread[] = [];
  private requests = 0;
  private builds = 0;
  private replacements = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly settings: RenderWorkerSettings,
    readonly size: number,
    private readonly script: string,
  ) {}

  /** The PageWriter of one build; `clock` must be the `now` and `stampTime` that build was given. */
  writer(clock: BuildClock): PageWriter {
    const build = ++this.builds;
    return (path, previous) => this.send({ id: ++this.requests, build, clock, path, previous });
  }

  /** Stops every worker; pages still waiting fail. Calls after the first share its promise. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.closed = true;
    const stopping = this.threads.splice(0).map(async (thread) => {
      await thread.worker.terminate();
      failAll(thread, 'the build was stopped before its render worker answered');
    });
    await Promise.all(stopping);
  }

  /**
   * Starts the workers now rather than at the first page: for a build known to render every page, their start-up
   * (loading the engine) then overlaps the listing of the site. Does nothing once closed or already started.
   */
  start(): void {
    if (!this.closed) this.fill();
  }

  /** Starts workers up to the pool's size, unless too many have died. */
  private fill(): void {
    while (this.threads.length < this.size && this.replacements <= MAX_REPLACEMENTS) {
      this.threads.push(this.startThread());
    }
  }

  /**
   * Starts one more worker for a page about to be sent when none runs, or when every running one already has
   * BUSY_THREAD_PAGES pages waiting: a rebuild of a page or two then loads the engine into one thread, not all.
   */
  private grow(): void {
    if (this.threads.length >= this.size || this.replacements > MAX_REPLACEMENTS) return;
    if (this.threads.every((thread) => thread.waiting.size >= BUSY_THREAD_PAGES))
      this.threads.push(this.startThread());
  }

  private send(request: RenderRequest): Promise<PageWriteResult> {
    if (this.closed) return Promise.reject(new Error('the render workers were stopped'));
    this.grow();
    if (this.threads.length === 0) {
      return Promise.reject(new Error('the render workers kept stopping; build with --jobs 1 to see why'));
    }
    // The least busy worker: pages differ in cost, so round robin would leave one idle while the other queues.
    const thread = this.threads.reduce((best, each) => (each.waiting.size < best.waiting.size ? each : best));
    return new Promise((resolve, reject) => {
      thread.waiting.set(request.id, { resolve, reject });
      if (thread.outbox.push(request) === 1) setImmediate(() => postBatch(thread));
    });
  }

  private startThread(): PoolThread {
    const worker = new Worker(this.script, { workerData: this.settings });
    const thread: PoolThread = { worker, waiting: new Map(), outbox: [] };
    let problem: string | undefined;
    worker.on('message', (responses: RenderResponse[]) => {
      for (const response of responses) {
        const waiting = thread.waiting.get(response.id);
        thread.waiting.delete(response.id);
        if ('error' in response) waiting?.reject(new Error(response.error));
        else waiting?.resolve(response.result);
      }
    });
    worker.on('error', (err) => (problem = err.message));
    worker.on('exit', (code) => {
      if (this.closed) return;
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      this.replacements++;
      failAll(thread, `its render worker stopped (${problem ?? `exit code ${code}`})`);
    });
    return thread;
  }
}

/** Posts the requests gathered for a worker as one message: a message costs far more than a page's record. */
function postBatch(thread: PoolThread): void {
  // A worker that died meanwhile has failed these pages already.
  if (thread.outbox.length > 0 && thread.waiting.size > 0) thread.worker.postMessage(thread.outbox);
  thread.outbox = [];
}

function failAll(thread: PoolThread, message: string): void {
  for (const waiting of thread.waiting.values()) waiting.reject(new Error(message));
  thread.waiting.clear();
}
