// What `serve` keeps for the life of its process to run in production: the count of requests under way (for a
// graceful stop), the metrics (kept across reloads), the docroot's file-watch state, the load signal (started when
// something needs it); and how it stops.

import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { ChangeFeedStatus } from '../engine/change-feed';
import { RequestTracker, shutDown } from '../server/graceful-shutdown';
import { LoadMonitor } from '../server/load-monitor';
import type { LoadSettings } from '../server/load-settings';
import { OffloadTally } from '../server/offload-notes';
import { OPERATIONS_PATH, type OperationsOptions } from '../server/operations';
import { ServerMetrics } from '../server/server-metrics';
import { clusterWorkerId } from './cluster';
import { clusterMetricsReader } from './cluster-metrics';
import type { CommandIo } from './command';

/** The process-lifetime state behind the operations endpoints and the graceful stop. */
export class ServeOperations {
  /** Counts the requests under way; wraps the server's request listener. */
  readonly tracker = new RequestTracker();
  /** The metrics, unless turned off at start. */
  readonly metrics: ServerMetrics | undefined;
  private watcher: ChangeFeedStatus['kind'] | undefined;
  private load: { monitor: LoadMonitor | undefined; settings: LoadSettings; server: Server | undefined };
  /** The offload decisions since start, across reloads; reported while offload is configured. */
  private readonly offload = new OffloadTally();

  /**
   * `purgeQueueDepth` is read at each scrape (the watch mode starts after the server). `load` is the config file's
   * `load` (read once: a reload keeps the signal it started with), its egress budget shared by `workers` processes.
   */
  constructor(metricsOn: boolean, purgeQueueDepth: () => number, load: LoadSettings = {}, workers = 1) {
    const budget = load.egressBytesPerSecond;
    // Each worker measures its own connections: the kernel spreads them evenly, so each gets its share.
    const shared =
      budget === undefined
        ? load
        : { ...load, egressBytesPerSecond: Math.max(1, Math.floor(budget / workers)) };
    this.load = { monitor: undefined, settings: shared, server: undefined };
    const worker = clusterWorkerId();
    this.metrics = metricsOn
      ? new ServerMetrics({
          purgeQueueDepth,
          // Under --workers each worker keeps its own metrics, labelled with its number; a scrape, whichever
          // worker it reaches, answers with those of every worker.
          labels: worker === undefined ? undefined : { worker: String(worker) },
          reader: worker === undefined ? undefined : clusterMetricsReader,
        })
      : undefined;
  }

  /**
   * The options of createApp's operations endpoints, the health check on or off as `health` says, counting offload
   * decisions when `offload` is configured.
   */
  endpoints(health: boolean, offload = false): OperationsOptions {
    return {
      health,
      offload: offload ? this.offload : undefined,
      metrics: this.metrics,
      isDraining: () => this.tracker.draining,
      watcherState: () => this.watcher,
      loadStatus: () => this.load.monitor?.status(),
    };
  }

  /**
   * This process's load signal, made and started at the first call with `needed` (so a server that nothing asks
   * for one runs no timer); undefined while none was needed. It reads the requests `tracker` counts and the egress
   * of the server given to `serveOn`.
   */
  loadSignal(needed: boolean): LoadMonitor | undefined {
    const load = this.load;
    if (load.monitor || !needed) return load.monitor;
    const monitor = new LoadMonitor({
      settings: load.settings,
      requestsInFlight: () => this.tracker.inFlight,
    });
    if (load.server) monitor.watch(load.server);
    this.metrics?.exposeLoad(() => monitor.status());
    load.monitor = monitor.start();
    return monitor;
  }

  /** The server whose connections' egress the load signal counts (now or once it starts). */
  serveOn(server: Server): void {
    this.load.server = server;
    this.load.monitor?.watch(server);
  }

  /** Stops the load signal's windows. */
  stopLoadSignal(): void {
    this.load.monitor?.stop();
  }

  /** Records the docroot's file-watch state, then passes it on to `report`. */
  watchStatus(
    report: (status: ChangeFeedStatus, realRoot: string) => void,
  ): (status: ChangeFeedStatus, realRoot: string) => void {
    return (status, realRoot) => {
      this.watcher = status.kind;
      this.metrics?.setWatcherState(status.kind);
      report(status, realRoot);
    };
  }
}

/**
 * One warning when ROOT has a `_cdn-include` entry that an endpoint that is on answers instead: the endpoints win,
 * never silently.
 */
export function warnShadowedDocroot(root: string, on: { health: boolean; metrics: boolean }, io: CommandIo) {
  if (!(on.health || on.metrics) || !existsSync(join(root, OPERATIONS_PATH))) return;
  io.stderr(
    `cdn-include serve: ${join(root, OPERATIONS_PATH)} is not served where the health and metrics endpoints ` +
      `answer (${OPERATIONS_PATH}/health, ${OPERATIONS_PATH}/metrics; --no-health, --no-metrics turn them off)\n`,
  );
}

/**
 * Stops `server` gracefully: no new connections, the requests under way finish for up to `timeoutMs`, then the
 * rest are cut off (one line on stderr saying how many).
 */
export async function stopServing(
  server: Server,
  tracker: RequestTracker,
  timeoutMs: number,
  io: CommandIo,
): Promise<void> {
  const { drained, cutOff } = await shutDown(server, tracker, timeoutMs);
  if (!drained)
    io.stderr(
      `cdn-include serve: ${cutOff} request${cutOff === 1 ? '' : 's'} still under way after ${timeoutMs} ms ` +
        `(--shutdown-timeout) cut off\n`,
    );
}
