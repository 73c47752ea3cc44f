// A validator ledger shared by a fleet through Redis: one string per page holding its JSON record, written whole,
// updated with WATCH/MULTI/EXEC (optimistic locking, no scripts). A Redis that is down or slow makes `transact`
// reject within a bounded time, never wait: the ledger then dates without the store. It must not queue commands.

import Redis from 'ioredis';
import { isPageRecord, type LedgerStore, type PageRecord } from './validator-ledger';

/** Where the Redis server is; one site per database (`redis://HOST:PORT/DB`). */
export interface RedisLocation {
  host: string;
  port: number;
  /** @default 0 */
  db?: number;
  username?: string;
  password?: string;
  /** Connect over TLS (`rediss://`). @default false */
  tls?: boolean;
}

/** How long the store waits for Redis. */
export interface RedisLedgerStoreOptions {
  /** A single command's longest wait before it fails. @default 250 */
  commandTimeoutMs?: number;
  /** A whole `transact` call's longest wait (queueing behind a writer included) before it rejects. @default 500 */
  transactTimeoutMs?: number;
  /** Connections per process; each carries one WATCH at a time. @default 4 */
  connections?: number;
}

/** Every key the store writes starts with this; the version changes if the record format ever does. */
export const REDIS_KEY_PREFIX = 'cdn-include:v1:page:';

/** How often one write is retried when another writer changed the record between WATCH and EXEC. */
const MAX_WRITE_ATTEMPTS = 8;
/** Reconnection delays grow by this step up to the ceiling, forever: a Redis that comes back is used again. */
const RECONNECT_STEP_MS = 50;
const RECONNECT_CEILING_MS = 1000;
const CONNECT_TIMEOUT_MS = 1000;

type Decide<T> = (record: PageRecord | undefined) => { write?: PageRecord; value: T };

/**
 * Page records in Redis under `cdn-include:v1:page:<page path>`.
 *
 * WATCH belongs to a connection, so two transactions on one connection would share (and clear) each other's
 * watch set. Each connection is therefore a lane that carries one write at a time, and a page always takes the
 * same lane: writes of one page from one process take turns, writes of different pages spread over the lanes,
 * and reads (a plain GET, which does not touch the watch set) go out at once on the page's lane without waiting;
 * MULTI…EXEC is written as one pipeline in one go, so no read can land inside it.
 * @example
 * app.use(ssi({ root: 'public', validatorStore: new RedisLedgerStore({ host: '127.0.0.1', port: 6379, db: 2 }) }));
 */
export class RedisLedgerStore implements LedgerStore {
  private readonly lanes: Array<{ client: Redis; turn: Promise<unknown> }>;
  private readonly transactTimeoutMs: number;
  /** `HOST:PORT/DB` for messages (never the password). */
  private readonly where: string;

  constructor(location: RedisLocation, options: RedisLedgerStoreOptions = {}) {
    this.transactTimeoutMs = options.transactTimeoutMs ?? 500;
    const host = location.host.includes(':') ? `[${location.host}]` : location.host;
    this.where = `${host}:${location.port}/${location.db ?? 0}`;
    const count = Math.max(1, options.connections ?? 4);
    this.lanes = Array.from({ length: count }, () => ({
      client: connect(location, options.commandTimeoutMs ?? 250),
      turn: Promise.resolve() as Promise<unknown>,
    }));
  }

  async transact<T>(page: string, decide: Decide<T>): Promise<T> {
    const deadline = Date.now() + this.transactTimeoutMs;
    try {
      return await withDeadline(this.run(page, decide, deadline), deadline);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Redis at ${this.where}: ${reason} (page ${page})`, { cause: error });
    }
  }

  /**
   * Resolves true once every connection is ready, false after `timeoutMs`: a server may wait for it briefly at
   * start so its first requests are dated with the ledger. Nothing else needs it (transact never waits).
   */
  async whenConnected(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.lanes.some(({ client }) => client.status !== 'ready')) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.lanes.map(({ turn }) => turn));
    await Promise.allSettled(this.lanes.map(({ client }) => client.quit()));
    for (const { client } of this.lanes) client.disconnect();
  }

  private async run<T>(page: string, decide: Decide<T>, deadline: number): Promise<T> {
    const lane = this.lanes[laneOf(page, this.lanes.length)];
    const key = REDIS_KEY_PREFIX + page;
    // ioredis would refuse too (no offline queue); saying so here names the state in the log.
    if (lane.client.status !== 'ready') throw new Error(`not connected (${lane.client.status})`);
    // Most requests change nothing: decide on what is there, and lock only when there is something to write.
    const first = decide(parseRecord(await lane.client.get(key)));
    if (!first.write) return first.value;
    const write = async (): Promise<T> => {
      if (Date.now() >= deadline) throw new Error('no answer in time (waiting to write)');
      return watchedWrite(lane.client, key, decide);
    };
    const turn = lane.turn.then(write, write);
    lane.turn = turn.catch(() => {});
    return turn;
  }
}

/** WATCH, read, decide again, and write in MULTI/EXEC; again from the top when another writer went first. */
async function watchedWrite<T>(client: Redis, key: string, decide: Decide<T>): Promise<T> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    // The watch set lives on this socket: a reconnection between WATCH and EXEC would drop it silently and let
    // EXEC overwrite another writer's record. So EXEC goes out only on the socket that carried the WATCH. (The
    // replies and the check below run in one turn of the event loop, and ioredis never resends a command cut off
    // by a disconnection here, so this only guards against the client swapping sockets in between.)
    const socket = client.stream;
    const [, read] = await checked(client.pipeline().watch(key).get(key).exec());
    const { write, value } = decide(parseRecord(read as string | null));
    if (!write) {
      // Clears the watch before the lane's next WATCH (same socket, so in order); a failure leaves at most a
      // stale watch, which can only abort a later EXEC, never let one through.
      client.unwatch().catch(() => {});
      return value;
    }
    if (client.stream !== socket) continue;
    // EXEC answers null when a watched key changed since WATCH (Redis "Transactions": optimistic locking).
    if ((await client.multi().set(key, JSON.stringify(write)).exec()) !== null) return value;
  }
  throw new Error(`the record kept changing during ${MAX_WRITE_ATTEMPTS} attempts to write it`);
}

/** A pipeline's replies, or its first error thrown. */
async function checked(replies: Promise<Array<[Error | null, unknown]> | null>): Promise<unknown[]> {
  const results = await replies;
  if (!results) throw new Error('a pipeline gave no replies');
  const failed = results.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return results.map(([, reply]) => reply);
}

/** A stored record; a missing or malformed one is no record (a page met for the first time). */
function parseRecord(text: string | null): PageRecord | undefined {
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isPageRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A client that fails commands at once while disconnected, bounds each command, and reconnects forever. */
function connect(location: RedisLocation, commandTimeout: number): Redis {
  const client = new Redis({
    host: location.host,
    port: location.port,
    db: location.db ?? 0,
    username: location.username,
    password: location.password,
    tls: location.tls ? {} : undefined,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout,
    // A request must not wait for a Redis that is not there: no queue while disconnected, and a command cut off
    // by a disconnection is failed rather than sent again on a new connection (where its WATCH would be gone).
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(times * RECONNECT_STEP_MS, RECONNECT_CEILING_MS),
  });
  // Connection errors surface as rejected commands, which the ledger reports once per failure streak; an 'error'
  // event without a listener would be printed by ioredis itself.
  client.on('error', () => {});
  return client;
}

/** The lane of a page: a string hash (FNV-1a) of its path. */
function laneOf(page: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < page.length; i++) hash = Math.imul(hash ^ page.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}

/** `work`, or a rejection at `deadline` if it is not done by then (the work itself finishes in the background). */
function withDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
