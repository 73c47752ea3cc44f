// Graceful shutdown of an HTTP server: stop accepting, let the requests under way finish within a deadline
// (each answered with `Connection: close`), close idle keep-alive connections, and cut off what remains at the
// deadline. Knows nothing of signals or exit codes: src/cli decides when to call it and what follows.

import type { RequestListener, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** How often idle connections are closed while draining: a keep-alive connection is idle once its response ends. */
const IDLE_SWEEP_MS = 50;

/** What a shutdown ended with. */
export interface ShutdownResult {
  /** True when every request finished before the deadline. */
  drained: boolean;
  /** Responses still under way at the deadline, whose connections were destroyed. */
  cutOff: number;
}

/** Counts the responses under way and says whether the server is draining; wrap the request listener with it. */
export class RequestTracker {
  private readonly open = new Set<ServerResponse>();
  private drainingSince: number | undefined;

  /** True once shutdown began: a health check answers 503 so a load balancer stops sending. */
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Responses under way now. */
  get inFlight(): number {
    return this.open.size;
  }

  /** The response under way on `socket`, if one is (a request refused after it must wait for it). */
  responseOn(socket: Duplex): ServerResponse | undefined {
    for (const res of this.open) if (res.socket === socket) return res;
    return undefined;
  }

  /** `listener`, with each response counted until it closes (sent in full, or its connection gone). */
  track(listener: RequestListener): RequestListener {
    const open = this.open;
    // One listener for every response (an emitter calls it with itself as `this`), not a closure per request.
    function closed(this: ServerResponse): void {
      open.delete(this);
    }
    return (req, res) => {
      open.add(res);
      // `on`, not `once`: a response closes once, and once's wrapper is two more objects per request.
      res.on('close', closed);
      // RFC 9112 §9.6: `close` tells the client this connection ends after the response.
      if (this.draining) res.setHeader('Connection', 'close');
      listener(req, res);
    };
  }

  /** Marks the server draining; responses whose head is not sent yet end their connection. */
  startDraining(): void {
    this.drainingSince ??= Date.now();
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
  }
}

/**
 * Stops `server` accepting, lets the responses `tracker` counts finish for up to `timeoutMs`, closing each
 * keep-alive connection as soon as it is idle, then destroys the connections left.
 * @example
 * const { drained } = await shutDown(server, tracker, 10_000);
 */
export function shutDown(
  server: Server,
  tracker: RequestTracker,
  timeoutMs: number,
): Promise<ShutdownResult> {
  tracker.startDraining();
  return new Promise((resolve) => {
    // Unreferenced: the connections being drained keep the process alive, the timers never do.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS).unref();
    const deadline = setTimeout(() => {
      const cutOff = tracker.inFlight;
      finish();
      server.closeAllConnections();
      resolve({ drained: false, cutOff });
    }, timeoutMs).unref();
    const finish = () => {
      clearInterval(sweep);
      clearTimeout(deadline);
    };
    server.close(() => {
      finish();
      resolve({ drained: true, cutOff: 0 });
    });
    server.closeIdleConnections();
  });
}
