// The origin's load signal as a running thing: every window (an unref'd timer) it reads the event loop, the
// requests under way and the egress, and feeds them to the judgement in load-state.ts. The request path only reads
// what the last window decided: level() and shed() cost a field read and, while overloaded, one random number.

import type { Server } from 'node:http';
import type { LoadLevel, LoadSignal } from './load-signal';
import { checkLoadSettings, type LoadSettings, type ResolvedLoadSettings } from './load-settings';
import { LoadState, type LoadSample } from './load-state';
import { DelaySampler, EgressCounter, InFlightCounter, UtilizationSampler } from './load-samplers';

/** Options of LoadMonitor. */
export interface LoadMonitorOptions {
  /** Thresholds, window and hysteresis (README "Under load"). @default the measured defaults */
  settings?: LoadSettings;
  /**
   * Reads the requests under way, for a server that counts them already (serve's graceful stop does).
   * @default counted on the servers given to `watch()`
   */
  requestsInFlight?: () => number;
  /** A number from 0 to below 1, drawn per `shed()` while overloaded: the seam for a seeded random. @default Math.random */
  random?: () => number;
}

/** What the signal says now, for the health check and the metrics. */
export interface LoadStatus {
  level: LoadLevel;
  /** The share of requests `shed()` answers true for, 0 to 1. */
  shedShare: number;
  /** The last window's measures, as read (all 0 before the first window ends). */
  measures: LoadSample;
  /** The moving averages the level is judged on. */
  smoothed: LoadSample;
  /** The egress budget in bytes per second, when one is set. */
  egressBudget: number | undefined;
}

const NOTHING_MEASURED: LoadSample = {
  eventLoopUtilization: 0,
  eventLoopDelayMs: 0,
  requestsInFlight: 0,
  egressBytesPerSecond: 0,
};

/**
 * Measures this process's load per window and answers the request path's LoadSignal. Each process (each worker of
 * `serve --workers`) has its own: it measures its own event loop.
 * @example
 * const monitor = new LoadMonitor({ settings: { egressBytesPerSecond: 12_500_000 } });
 * const app = createApp({ root: 'site', loadSignal: monitor });
 * monitor.watch(app.listen(8080)).start();
 */
export class LoadMonitor implements LoadSignal {
  private readonly settings: ResolvedLoadSettings;
  private readonly state: LoadState;
  private readonly random: () => number;
  private readonly egress = new EgressCounter();
  private readonly counted = new InFlightCounter();
  private readonly inFlight: () => number;
  private readonly countsRequests: boolean;
  private last: LoadSample = NOTHING_MEASURED;
  private running:
    { timer: NodeJS.Timeout; utilization: UtilizationSampler; delay: DelaySampler } | undefined;
  private windowStart = 0;

  /** Throws a TypeError naming the setting when `settings` is wrong. */
  constructor(options: LoadMonitorOptions = {}) {
    try {
      this.settings = checkLoadSettings(options.settings ?? {}, 'LoadMonitor: settings');
    } catch (err) {
      throw new TypeError((err as Error).message, { cause: err });
    }
    this.state = new LoadState(this.settings);
    this.random = options.random ?? Math.random;
    this.countsRequests = options.requestsInFlight === undefined;
    this.inFlight = options.requestsInFlight ?? (() => this.counted.read());
  }

  /** Counts `server`'s egress (and its requests, unless `requestsInFlight` reads them) from now on. */
  watch(server: Server): this {
    this.egress.watch(server);
    if (this.countsRequests) this.counted.watch(server);
    return this;
  }

  /** Starts measuring: a window every `windowMs`, on a timer that never keeps the process alive. */
  start(): this {
    if (this.running) return this;
    const timer = setInterval(() => this.endWindow(), this.settings.windowMs).unref();
    this.running = { timer, utilization: new UtilizationSampler(), delay: new DelaySampler() };
    this.windowStart = performance.now();
    this.egress.read();
    return this;
  }

  /** Stops measuring; the level stays what the last window decided. */
  stop(): void {
    if (!this.running) return;
    clearInterval(this.running.timer);
    this.running.delay.stop();
    this.running = undefined;
  }

  level(): LoadLevel {
    return this.state.level;
  }

  shed(): boolean {
    const share = this.state.shedShare;
    return share >= 1 || (share > 0 && this.random() < share);
  }

  /** The level, the shed share and the measures behind them. */
  status(): LoadStatus {
    return {
      level: this.state.level,
      shedShare: this.state.shedShare,
      measures: this.last,
      smoothed: this.state.smoothed ?? NOTHING_MEASURED,
      egressBudget: this.settings.egressBudget,
    };
  }

  /** Judges one window's measures: what each window of `start()` does with what it read (and a test's seam). */
  observe(sample: LoadSample): void {
    this.last = sample;
    this.state.observe(sample);
  }

  /** Reads one window's measures and judges them. */
  private endWindow(): void {
    const running = this.running;
    if (!running) return;
    const now = performance.now();
    // Timers run late under load: bytes per second are over the time that really passed.
    const seconds = Math.max(now - this.windowStart, 1) / 1000;
    this.windowStart = now;
    this.observe({
      eventLoopUtilization: running.utilization.read(),
      eventLoopDelayMs: running.delay.read(),
      requestsInFlight: this.inFlight(),
      egressBytesPerSecond: this.egress.read() / seconds,
    });
  }
}
