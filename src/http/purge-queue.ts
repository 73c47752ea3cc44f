// The purge queue: sends each page's purge, retries failures with capped exponential backoff, and reports every
// outcome through a callback, a give-up included, so no purge is ever lost silently. Never logs by itself.

import { expandPurgeTarget, PurgeJob, PurgeRequest, PurgeTarget, sendPurgeRequest } from './purge-target';

/** What happened to a purge; `gave-up` ends it unpurged and names why. */
export type PurgeEvent =
  | { kind: 'purged'; job: PurgeJob; attempt: number; status: number }
  | { kind: 'retrying'; job: PurgeJob; attempt: number; reason: string; delayMs: number }
  | { kind: 'gave-up'; job: PurgeJob; attempt: number; reason: string };

/** Options of PurgeQueue. */
export interface PurgeQueueOptions {
  /** Receives every outcome; it must not throw. */
  onEvent: (event: PurgeEvent) => void;
  /** Attempts per purge before giving up. @default 6 */
  maxAttempts?: number;
  /** Delay before the first retry, in ms; doubled for each next one. @default 500 */
  baseDelayMs?: number;
  /** Longest delay between attempts, in ms. @default 30000 */
  maxDelayMs?: number;
  /** Sends one request and resolves with its status (the real sender, or a fake in tests). @default sendPurgeRequest */
  send?: (purge: PurgeRequest) => Promise<number>;
}

/**
 * Purges pages through one target. A 2xx answer is success; a network error, a timeout, 408, 429 or 5xx is
 * retried after `baseDelayMs · 2^(attempt-1)` (at most `maxDelayMs`); any other answer (a 403 from a wrong ACL, a
 * 404 from a wrong URL) cannot get better by waiting and gives up at once. A purge already on its way is not
 * queued twice.
 *
 * @example
 * const queue = new PurgeQueue(purgeTargetFromFlags('http://127.0.0.1:6081/', 'BAN'), { onEvent: log });
 * queue.enqueue([{ tag: tagOf('/index.shtml'), url: '/' }]);
 * await queue.idle();
 */
export class PurgeQueue {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly send: (purge: PurgeRequest) => Promise<number>;
  private readonly waiting = new Map<
    string,
    { job: PurgeJob; timer: NodeJS.Timeout | undefined; attempt: number }
  >();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  // A template without {url} sends the same request for two URLs of one file (`/` and `/index.shtml`): once is enough.
  private readonly usesUrl: boolean;

  constructor(
    private readonly target: PurgeTarget,
    private readonly options: PurgeQueueOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.send = options.send ?? ((purge) => sendPurgeRequest(purge));
    this.usesUrl = JSON.stringify(target).includes('{url}');
  }

  /** Starts a purge for each job not already on its way. */
  enqueue(jobs: readonly PurgeJob[]): void {
    for (const job of jobs) {
      const key = this.usesUrl ? `${job.tag} ${job.url}` : job.tag;
      if (this.closed || this.waiting.has(key)) continue;
      this.waiting.set(key, { job, timer: undefined, attempt: 0 });
      this.attempt(key);
    }
  }

  /** Purges not yet done (sending or waiting for a retry). */
  get pending(): number {
    return this.waiting.size;
  }

  /** Resolves when nothing is pending, retries included. */
  async idle(): Promise<void> {
    while (this.waiting.size > 0 || this.running.size > 0) {
      if (this.running.size > 0) await Promise.all(this.running);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops: purges waiting for a retry give up now, each reported, and nothing new is accepted. */
  close(): void {
    this.closed = true;
    for (const [key, entry] of this.waiting) {
      if (entry.timer === undefined) continue;
      clearTimeout(entry.timer);
      this.waiting.delete(key);
      this.options.onEvent({
        kind: 'gave-up',
        job: entry.job,
        attempt: entry.attempt,
        reason: 'stopping before the next attempt',
      });
    }
  }

  private attempt(key: string): void {
    const entry = this.waiting.get(key);
    if (entry === undefined) return;
    entry.timer = undefined;
    entry.attempt++;
    const run = this.send(expandPurgeTarget(this.target, entry.job)).then(
      (status) => this.settle(key, status, undefined),
      (err: Error) => this.settle(key, undefined, err.message),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private settle(key: string, status: number | undefined, error: string | undefined): void {
    const entry = this.waiting.get(key);
    if (entry === undefined) return;
    const { job, attempt } = entry;
    if (status !== undefined && status >= 200 && status < 300) {
      this.waiting.delete(key);
      return this.options.onEvent({ kind: 'purged', job, attempt, status });
    }
    const reason = error ?? `answered ${status}`;
    if (!isRetryable(status) || attempt >= this.maxAttempts || this.closed) {
      this.waiting.delete(key);
      const why = isRetryable(status)
        ? `${reason} (attempt ${attempt} of ${this.maxAttempts})`
        : `${reason}, which a retry cannot fix`;
      return this.options.onEvent({ kind: 'gave-up', job, attempt, reason: why });
    }
    const delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    entry.timer = setTimeout(() => this.attempt(key), delayMs);
    this.options.onEvent({ kind: 'retrying', job, attempt, reason, delayMs });
  }
}

/** No status (a network error or a timeout), 408 Request Timeout, 429 Too Many Requests, or a 5xx. */
function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/**
 * The log line of an event: `purged / (tag 3f2a…) after 2 attempts`, `purge of / (tag …) failed: answered 503;
 * retrying in 1000 ms`, `gave up purging / (tag …): answered 503 (attempt 6 of 6)`.
 */
export function formatPurgeEvent(event: PurgeEvent): string {
  const what = `${event.job.url} (tag ${event.job.tag})`;
  if (event.kind === 'purged')
    return `purged ${what}${event.attempt > 1 ? ` after ${event.attempt} attempts` : ''}`;
  if (event.kind === 'retrying')
    return `purge of ${what} failed: ${event.reason}; retrying in ${event.delayMs} ms`;
  return `gave up purging ${what}: ${event.reason}`;
}
