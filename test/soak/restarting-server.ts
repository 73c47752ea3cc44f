// The soak's server, stopped and started again while the load runs (a deploy's restart, with the same state
// folder): requests wait while it is down rather than fail, so a restart costs time, never a network error.

import { findCli, type ServerChild, startServer, stopServer } from './server-child';

/** A server child that can be restarted between requests. */
export class RestartingServer {
  restarts = 0;
  /** Diagnostic lines of the children that have ended. */
  private endedStderrLines = 0;
  private inFlight = 0;
  private resume: Promise<void> | undefined;
  private idle: (() => void) | undefined;

  private constructor(
    private server: ServerChild,
    private readonly start: () => Promise<ServerChild>,
  ) {}

  /** Starts `cdn-include serve root ...args` with `env`. */
  static async open(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<RestartingServer> {
    const start = (): Promise<ServerChild> => startServer(findCli(), root, args, [], env);
    return new RestartingServer(await start(), start);
  }

  get child(): ServerChild['child'] {
    return this.server.child;
  }

  /** Diagnostic lines every child so far wrote. */
  stderrLines(): number {
    return this.endedStderrLines + this.server.stderrLines();
  }

  /** Resolves once no restart is under way (the deploy's changes are the only ones made while it is down). */
  async running(): Promise<void> {
    while (this.resume) await this.resume;
  }

  /** Runs `send` against the current origin, after any restart under way. */
  async request<T>(send: (origin: string) => Promise<T>): Promise<T> {
    await this.running();
    this.inFlight++;
    try {
      return await send(this.server.origin);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  /**
   * Holds new requests, lets those under way finish, stops the child (SIGTERM), runs `whileStopped` (a deploy's
   * changes) and starts another.
   */
  async restart(whileStopped: () => void = () => undefined): Promise<void> {
    let release = (): void => undefined;
    this.resume = new Promise((resolve) => (release = resolve));
    try {
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.idle = undefined;
      this.endedStderrLines += this.server.stderrLines();
      await stopServer(this.server);
      whileStopped();
      this.server = await this.start();
      this.restarts++;
    } finally {
      this.resume = undefined;
      release();
    }
  }

  stop(): Promise<void> {
    return stopServer(this.server);
  }
}
