// The purge queue: sends purges through one target with a cap on requests in flight, batches tags where the
// target takes batches, retries failures with jittered backoff and Retry-After, purges again what changed while
// its purge was in flight, and reports every outcome through a callback, give-ups included. Never logs by itself.

import {
  createPurgeAgents,
  DEFAULT_MAX_TAGS_PER_PURGE,
  expandPurgeTarget,
  type PurgeAgents,
  type PurgeAnswer,
  type PurgeJob,
  type PurgeRequest,
  type PurgeTarget,
  purgeTargetKind,
  sendPurgeRequest,
  PURGE_TIMEOUT_MS,
} from './purge-target';

/** What happened to a purge (one request: one job, or a batch of tags); `gave-up` ends it unpurged and names why. */
export type PurgeEvent =
  | { kind: 'purged'; jobs: PurgeJob[]; attempt: number; status: number }
  | { kind: 'retrying'; jobs: PurgeJob[]; attempt: number; reason: string; delayMs: number }
  | { kind: 'gave-up'; jobs: PurgeJob[]; attempt: number; reason: string };

/** Options of PurgeQueue. */
export interface PurgeQueueOptions {
  /** Receives every outcome; it must not throw. */
  onEvent: (event: PurgeEvent) => void;
  /** Attempts per purge before giving up. @default 6 */
  maxAttempts?: number;
  /** Delay before the first retry, in ms; doubled for each next one, then jittered. @default 500 */
  baseDelayMs?: number;
  /** Longest backoff between attempts, in ms. @default 30000 */
  maxDelayMs?: number;
  /** Purge requests awaiting their answer at once (connections to the target included). @default 4 */
  maxInFlight?: number;
  /** Longest `Retry-After` honoured, in ms; a longer one is waited this long. @default 300000 */
  maxRetryAfterMs?: number;
  /** A number in [0, 1) for the jitter (tests pin it). @default Math.random */
  random?: () => number;
  /** Sends one request (the real sender, or a fake in tests). @default sendPurgeRequest through capped pools */
  send?: (purge: PurgeRequest) => Promise<PurgeAnswer | number>;
}

/** The cap on purge requests in flight. */
export const DEFAULT_MAX_PURGES_IN_FLIGHT = 4;

// queued: waiting for a free slot; sending: its request awaits an answer; waiting: its retry is due later.
type JobState = 'queued' | 'sending' | 'waiting';
interface JobEntry {
  job: PurgeJob;
  state: JobState;
  /** Enqueued again while its request was in flight: that request may carry the old version. */
  again: boolean;
}
/** The jobs of one request, kept together through its retries. */
interface Batch {
  keys: string[];
  attempt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Purges through one target. At most `maxInFlight` requests await an answer at once; the rest wait their turn.
 * A `{url}` target gets one request per page URL, a `{tag}` target one per tag, a `{tags}` target batches of up
 * to `maxTags`. A 2xx answer is success; a network error, a timeout, 408, 429 or 5xx is retried after a backoff
 * of `baseDelayMs · 2^(attempt-1)` (at most `maxDelayMs`) jittered to between half and all of it, or after the
 * target's `Retry-After` if longer, during which no other purge is sent to it either; any other answer (a 403
 * from a wrong ACL, a 404 from a wrong URL) cannot get better by waiting and gives up at once. A purge enqueued
 * while the same one waits is merged into it (it has not been sent yet); one enqueued while the same one is in
 * flight is sent again once that one ends, since the CDN may have fetched the old version meanwhile.
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
  private readonly maxInFlight: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private readonly batchSize: number;
  private readonly keyOf: (job: PurgeJob) => string;
  private readonly agents: PurgeAgents | undefined;
  private readonly send: (purge: PurgeRequest) => Promise<PurgeAnswer | number>;
  private readonly entries = new Map<string, JobEntry>();
  private readonly queued: string[] = [];
  private readonly due: Batch[] = [];
  private readonly waiting = new Set<Batch>();
  private readonly idleWaiters: Array<() => void> = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly target: PurgeTarget,
    private readonly options: PurgeQueueOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_PURGES_IN_FLIGHT);
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
    this.random = options.random ?? Math.random;
    const kind = purgeTargetKind(target);
    this.batchSize = kind === 'batch' ? (target.maxTags ?? DEFAULT_MAX_TAGS_PER_PURGE) : 1;
    // A template without {url} sends the same request for two URLs of one tag: once is enough.
    this.keyOf = kind === 'url' ? (job) => `${job.tag} ${job.url}` : (job) => job.tag;
    this.agents = options.send ? undefined : createPurgeAgents(this.maxInFlight);
    this.send = options.send ?? ((purge) => sendPurgeRequest(purge, PURGE_TIMEOUT_MS, this.agents));
  }

  /** Queues a purge for each job; one already waiting is merged, one in flight is sent again after it. */
  enqueue(jobs: readonly PurgeJob[]): void {
    if (this.closed) return;
    for (const job of jobs) {
      const key = this.keyOf(job);
      const entry = this.entries.get(key);
      if (entry === undefined) {
        this.entries.set(key, { job, state: 'queued', again: false });
        this.queued.push(key);
      } else if (entry.state === 'sending') entry.again = true;
    }
    this.pump();
  }

  /** Purges not yet done (queued, sending or waiting for a retry). */
  get pending(): number {
    return this.entries.size;
  }

  /** Resolves when nothing is pending, retries included. */
  idle(): Promise<void> {
    if (this.entries.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops: requests in flight finish; purges not sent yet or waiting for a retry give up now, reported, and
   * nothing new is accepted.
   */
  close(): void {
    this.closed = true;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    for (const batch of [...this.waiting, ...this.due]) {
      if (batch.timer) clearTimeout(batch.timer);
      this.finish(batch, { kind: 'gave-up', reason: 'stopping before the next attempt' });
    }
    this.waiting.clear();
    this.due.length = 0;
    const unsent = this.queued.splice(0);
    if (unsent.length > 0)
      this.finish(
        { keys: unsent, attempt: 0, timer: undefined },
        { kind: 'gave-up', reason: 'stopping before it was sent' },
      );
    this.settleIdle();
  }

  /** Starts requests while slots are free and the target has not asked to wait. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight) {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) {
        if (this.pauseTimer === undefined && (this.due.length > 0 || this.queued.length > 0))
          this.pauseTimer = setTimeout(() => {
            this.pauseTimer = undefined;
            this.pump();
          }, wait);
        return;
      }
      const batch = this.due.shift() ?? this.takeQueued();
      if (batch === undefined) return;
      this.start(batch);
    }
  }

  private takeQueued(): Batch | undefined {
    const keys = this.queued.splice(0, this.batchSize);
    return keys.length === 0 ? undefined : { keys, attempt: 0, timer: undefined };
  }

  private start(batch: Batch): void {
    batch.attempt++;
    for (const entry of this.entriesOf(batch)) entry.state = 'sending';
    this.inFlight++;
    const purge = expandPurgeTarget(this.target, this.jobsOf(batch));
    this.send(purge).then(
      (answer) => this.settle(batch, typeof answer === 'number' ? { status: answer } : answer, undefined),
      (err: Error) => this.settle(batch, undefined, err.message),
    );
  }

  private settle(batch: Batch, answer: PurgeAnswer | undefined, error: string | undefined): void {
    this.inFlight--;
    const status = answer?.status;
    if (status !== undefined && status >= 200 && status < 300) {
      this.finish(batch, { kind: 'purged', status });
    } else {
      const reason = error ?? `answered ${status}`;
      if (!isRetryable(status) || batch.attempt >= this.maxAttempts || this.closed) {
        const why = isRetryable(status)
          ? `${reason} (attempt ${batch.attempt} of ${this.maxAttempts})`
          : `${reason}, which a retry cannot fix`;
        this.finish(batch, { kind: 'gave-up', reason: why });
      } else this.retryLater(batch, reason, answer);
    }
    this.pump();
    this.settleIdle();
  }

  private retryLater(batch: Batch, reason: string, answer: PurgeAnswer | undefined): void {
    const delayMs = this.retryDelay(batch.attempt, answer);
    // RFC 9110 §10.2.3 / RFC 6585 §4: Retry-After on 503 or 429 says when the target takes requests again: from
    // this origin at all, so the whole queue waits, not only this purge.
    if (answer?.retryAfterMs !== undefined && (answer.status === 503 || answer.status === 429))
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delayMs);
    for (const entry of this.entriesOf(batch)) {
      entry.state = 'waiting';
      // The retry leaves after the change that set it: it carries the new version.
      entry.again = false;
    }
    this.waiting.add(batch);
    batch.timer = setTimeout(() => {
      batch.timer = undefined;
      this.waiting.delete(batch);
      this.due.push(batch);
      this.pump();
    }, delayMs);
    this.emit(batch, { kind: 'retrying', reason, delayMs });
  }

  /**
   * The wait before attempt `attempt + 1`: the backoff jittered to [½, 1] of itself, so origins that failed
   * together do not retry together; or the target's Retry-After (at most `maxRetryAfterMs`) if that is longer.
   */
  private retryDelay(attempt: number, answer: PurgeAnswer | undefined): number {
    const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    const jittered = Math.round(backoff * (0.5 + 0.5 * Math.min(1, Math.max(0, this.random()))));
    const retryAfter =
      answer?.retryAfterMs === undefined ? 0 : Math.min(answer.retryAfterMs, this.maxRetryAfterMs);
    return Math.max(jittered, retryAfter);
  }

  /** Reports the end of a batch; a job that changed while it was in flight is queued again, the rest forgotten. */
  private finish(
    batch: Batch,
    outcome: { kind: 'purged'; status: number } | { kind: 'gave-up'; reason: string },
  ): void {
    this.emit(batch, outcome);
    for (const key of batch.keys) {
      const entry = this.entries.get(key);
      if (entry?.again && !this.closed) {
        entry.state = 'queued';
        entry.again = false;
        this.queued.push(key);
      } else this.entries.delete(key);
    }
  }

  private emit(
    batch: Batch,
    outcome:
      | { kind: 'purged'; status: number }
      | { kind: 'gave-up'; reason: string }
      | { kind: 'retrying'; reason: string; delayMs: number },
  ): void {
    this.options.onEvent({ ...outcome, jobs: this.jobsOf(batch), attempt: batch.attempt });
  }

  private settleIdle(): void {
    if (this.entries.size > 0 || this.inFlight > 0) return;
    if (this.closed) {
      this.agents?.http.destroy();
      this.agents?.https.destroy();
    }
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private jobsOf(batch: Batch): PurgeJob[] {
    return this.entriesOf(batch).map((entry) => entry.job);
  }

  private entriesOf(batch: Batch): JobEntry[] {
    return batch.keys.flatMap((key) => this.entries.get(key) ?? []);
  }
}

/** No status (a network error or a timeout), 408 Request Timeout, 429 Too Many Requests, or a 5xx. */
function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Jobs named in one log line before the rest is counted. */
const MAX_LISTED_JOBS = 5;

/**
 * The log line of an event: `purged / (tag 3f2a…) after 2 attempts`, `purge of / (tag …) failed: answered 503;
 * retrying in 1000 ms`, `gave up purging / (tag …): answered 503 (attempt 6 of 6)`; a batch lists its jobs.
 */
export function formatPurgeEvent(event: PurgeEvent): string {
  const listed = event.jobs.slice(0, MAX_LISTED_JOBS).map((job) => `${job.url} (tag ${job.tag})`);
  const more = event.jobs.length > MAX_LISTED_JOBS ? ` and ${event.jobs.length - MAX_LISTED_JOBS} more` : '';
  const what = `${listed.join(', ')}${more}`;
  if (event.kind === 'purged')
    return `purged ${what}${event.attempt > 1 ? ` after ${event.attempt} attempts` : ''}`;
  if (event.kind === 'retrying')
    return `purge of ${what} failed: ${event.reason}; retrying in ${event.delayMs} ms`;
  return `gave up purging ${what}: ${event.reason}`;
}
