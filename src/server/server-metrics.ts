// The server's Prometheus metrics (prom-client, in a registry of its own, never the global one): requests by
// status, render-cache outcomes, offload decisions, render latency, purge queue depth, file-watch state, the load
// signal and Node's process metrics.
// Kept for the life of the process, across reloads.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LoadStatus } from './load-monitor';
import type { LoadLevel } from './load-signal';
import { offloadNoteOf } from './offload-notes';
import { servedNoteOf } from './served-notes';

/** Whether the render cache learns of file changes from the kernel (`watching`) or re-checks files (`unavailable`). */
export type WatcherState = 'watching' | 'unavailable';

const WATCHER_STATES: readonly WatcherState[] = ['watching', 'unavailable'];

/** The load levels in the order of `cdn_include_load_level`'s values. */
const LOAD_LEVELS: readonly LoadLevel[] = ['normal', 'overloaded', 'critical'];

/** Render times to tell apart, in seconds: a cached fragment's page builds in well under a millisecond. */
const RENDER_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Options of ServerMetrics. */
export interface ServerMetricsOptions {
  /** Purges not yet done (queued, sending, waiting for a retry); absent without a purge target. @default none */
  purgeQueueDepth?: () => number;
  /** Labels put on every series, e.g. `{ worker: '2' }` under `--workers`. @default none */
  labels?: Record<string, string>;
  /**
   * Makes, once, the reader of the exposition text from this registry: under `--workers`, one that gathers every
   * worker's registry through the primary. @default a reader of this registry's own metrics
   */
  reader?: (registry: Registry) => () => Promise<string>;
}

/**
 * The metrics of one server process and the registry that exposes them.
 * @example
 * const metrics = new ServerMetrics();
 * server.on('request', (req, res) => metrics.observe(req, res));
 * const text = await metrics.exposition();
 */
export class ServerMetrics {
  /** The registry, in the Prometheus text format through `metrics()`. */
  readonly registry = new Registry();
  /** Responses and cache outcomes counted since the last scrape, by status and by outcome. */
  private readonly unscrapedStatuses = new Map<number, number>();
  private readonly unscrapedOutcomes = new Map<string, number>();
  /** Offload decisions counted since the last scrape, keyed `decision reason`. */
  private readonly unscrapedOffloads = new Map<string, number>();
  private readonly renderSeconds: Histogram;
  private readonly watcher: Gauge<'state'>;
  private readonly read: () => Promise<string>;
  private loadExposed = false;

  constructor(options: ServerMetricsOptions = {}) {
    const registers = [this.registry];
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    const statuses = this.unscrapedStatuses;
    new Counter({
      name: 'cdn_include_requests_total',
      help: 'Responses sent, by status code (the 304 share is the rate of status="304" over all)',
      labelNames: ['status'],
      registers,
      collect() {
        for (const [status, count] of statuses) this.inc({ status: String(status) }, count);
        statuses.clear();
      },
    });
    const outcomes = this.unscrapedOutcomes;
    new Counter({
      name: 'cdn_include_render_cache_total',
      help: 'Responses of the ssi() middleware by where they came from: hit, miss, shared, bypass, stream',
      labelNames: ['outcome'],
      registers,
      collect() {
        for (const [outcome, count] of outcomes) this.inc({ outcome }, count);
        outcomes.clear();
      },
    });
    const offloads = this.unscrapedOffloads;
    new Counter({
      name: 'cdn_include_offload_total',
      help: 'Requests by offload decision (307, 503, 400, - for served here) and reason (README "Under load")',
      labelNames: ['decision', 'reason'],
      registers,
      collect() {
        for (const [key, count] of offloads) {
          const space = key.indexOf(' ');
          this.inc({ decision: key.slice(0, space), reason: key.slice(space + 1) }, count);
        }
        offloads.clear();
      },
    });
    this.renderSeconds = new Histogram({
      name: 'cdn_include_render_duration_seconds',
      help: 'Time to build a response (read and expand) that did not come from the render cache',
      buckets: RENDER_BUCKETS,
      registers,
    });
    this.watcher = new Gauge({
      name: 'cdn_include_watcher_state',
      help: '1 for the state of file change notifications for the docroot (watching or unavailable), else 0',
      labelNames: ['state'],
      registers,
    });
    const depth = options.purgeQueueDepth;
    if (depth)
      new Gauge({
        name: 'cdn_include_purge_queue_depth',
        help: 'Purges not yet done: queued, in flight, or waiting for a retry',
        registers,
        collect() {
          this.set(depth());
        },
      });
    collectDefaultMetrics({ register: this.registry });
    this.read = options.reader ? options.reader(this.registry) : () => this.registry.metrics();
  }

  /** Counts the response to `req` once it ends (sent in full or cut short), with what the middleware noted. */
  observe(req: IncomingMessage, res: ServerResponse): void {
    // `on`, not `once`: a response closes once, and once's wrapper is two more objects per request.
    res.on('close', () => {
      // Counted in plain maps, handed to prom-client when scraped: a label lookup per response costs more than
      // the warm response itself can spare.
      countIn(this.unscrapedStatuses, res.statusCode);
      const offload = offloadNoteOf(req);
      if (offload) countIn(this.unscrapedOffloads, `${offload.decision} ${offload.reason}`);
      const note = servedNoteOf(req);
      if (!note) return;
      countIn(this.unscrapedOutcomes, note.cache);
      if (note.renderMs !== undefined) this.renderSeconds.observe(note.renderMs / 1000);
    });
  }

  /** Records the docroot's file-watch state. */
  setWatcherState(state: WatcherState): void {
    for (const each of WATCHER_STATES) this.watcher.set({ state: each }, each === state ? 1 : 0);
  }

  /**
   * Exposes the load signal from now on: its level (0 normal, 1 overloaded, 2 critical), shed share and the last
   * window's measures, read at each scrape. Once per process: a second call changes nothing.
   */
  exposeLoad(status: () => LoadStatus): void {
    if (this.loadExposed) return;
    this.loadExposed = true;
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: (status: LoadStatus) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(status()));
        },
      });
    gauge('cdn_include_load_level', 'The load signal: 0 normal, 1 overloaded, 2 critical', (load) =>
      LOAD_LEVELS.indexOf(load.level),
    );
    gauge(
      'cdn_include_load_shed_ratio',
      'Share of requests the load signal sheds now, 0 to 1',
      (load) => load.shedShare,
    );
    gauge(
      'cdn_include_event_loop_utilization',
      'Share of the last load window the event loop was busy, 0 to 1',
      (load) => load.measures.eventLoopUtilization,
    );
    gauge(
      'cdn_include_event_loop_delay_p99_seconds',
      '99th percentile of event-loop delay in the last load window',
      (load) => load.measures.eventLoopDelayMs / 1000,
    );
    gauge(
      'cdn_include_requests_in_flight',
      'Requests under way at the end of the last load window',
      (load) => load.measures.requestsInFlight,
    );
    gauge(
      'cdn_include_egress_bytes_per_second',
      'Bytes written to clients per second over the last load window',
      (load) => load.measures.egressBytesPerSecond,
    );
  }

  /** The metrics in the Prometheus text exposition format, and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.read(), contentType: this.registry.contentType };
  }
}

function countIn<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
