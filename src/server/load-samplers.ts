// What the load signal reads each window from Node: event-loop utilisation and delay (node:perf_hooks), and the
// bytes written to clients (the server's sockets). Each read covers the window since the last read; nothing here
// judges load (load-state.ts does) or costs anything per request.

import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';

/** The delay histogram's sampling interval: its timer fires this often, so each sample is this much plus the delay. */
const DELAY_RESOLUTION_MS = 10;

/** The event loop's idle and active time since the process started, in ms, as node:perf_hooks counts them. */
export type LoopTimes = () => Pick<EventLoopUtilization, 'idle' | 'active'>;

/** The share of time the event loop was busy, per interval: each read advances the baseline. */
export class UtilizationSampler {
  private baseline: Pick<EventLoopUtilization, 'idle' | 'active'>;

  /** `loopTimes` is the seam for tests. @default performance.eventLoopUtilization */
  constructor(private readonly loopTimes: LoopTimes = () => performance.eventLoopUtilization()) {
    this.baseline = loopTimes();
  }

  /** The utilisation, 0 to 1, since the last read (or since this sampler was made); 0 when no time passed. */
  read(): number {
    const now = this.loopTimes();
    // Against the previous reading, not since start: a cumulative figure moves less and less as uptime grows.
    // (What performance.eventLoopUtilization(now, previous) computes.)
    const active = now.active - this.baseline.active;
    const idle = now.idle - this.baseline.idle;
    this.baseline = now;
    return active + idle > 0 ? active / (active + idle) : 0;
  }
}

/** The 99th percentile of event-loop delay per window (`monitorEventLoopDelay`, reset at each read). */
export class DelaySampler {
  private readonly histogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  /** The window's p99 delay in ms beyond the sampling interval itself; 0 for a window without a sample. */
  read(): number {
    const { histogram } = this;
    const p99 = histogram.count === 0 ? 0 : histogram.percentile(99) / 1e6 - DELAY_RESOLUTION_MS;
    histogram.reset();
    return Math.max(0, p99);
  }

  /** Stops sampling. */
  stop(): void {
    this.histogram.disable();
  }
}

/**
 * The bytes a server wrote to its clients: per window, the growth of `bytesWritten` of every open connection, plus
 * what connections closed since wrote after their last reading. Costs one map entry per connection, nothing per
 * request, and a pass over the open connections per window.
 */
export class EgressCounter {
  /** Each open connection, with its `bytesWritten` at the last read. */
  private readonly open = new Map<Socket, number>();
  /** What connections that closed since the last read wrote after it. */
  private readonly closed = { bytes: 0 };
  private readonly servers = new WeakSet<Server>();

  /** Counts what `server`'s connections write from now on (its connections already open are not counted). */
  watch(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    const { open, closed } = this;
    // One listener shared by every connection (`this` is the socket that closed), and `on`: it closes once.
    function onClose(this: Socket) {
      closed.bytes += this.bytesWritten - (open.get(this) ?? 0);
      open.delete(this);
    }
    server.on('connection', (socket: Socket) => {
      open.set(socket, 0);
      socket.on('close', onClose);
    });
  }

  /** Bytes written since the last read. */
  read(): number {
    let bytes = this.closed.bytes;
    this.closed.bytes = 0;
    for (const [socket, seen] of this.open) {
      const written = socket.bytesWritten;
      bytes += written - seen;
      this.open.set(socket, written);
    }
    return bytes;
  }
}

/** Requests under way on the servers watched: counted up on each request, down when its response closes. */
export class InFlightCounter {
  private count = 0;
  private readonly servers = new WeakSet<Server>();
  // Shared by every response, and `on` (a response closes once): nothing is allocated per request for it.
  private readonly ended = () => {
    this.count -= 1;
  };

  /** Counts `server`'s requests from now on. */
  watch(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('request', (_req, res) => {
      this.count += 1;
      res.on('close', this.ended);
    });
  }

  /** Requests under way now. */
  read(): number {
    return this.count;
  }
}
