// The Redis ledger store's costs and its behaviour when Redis fails, against a real redis-server on loopback: what
// one transact costs (read only, and with a write), and how long a request waits when Redis is killed or hangs.

import { RedisLedgerStore } from '../../src/engine/redis-ledger-store';
import { ValidatorLedger, type PageRecord } from '../../src/engine/validator-ledger';
import { startRedisServer, type RedisServer } from '../support/redis-server';

const LOOPBACK = '127.0.0.1';
const SEQUENTIAL = 2000;
const CONCURRENT = 1000;
/** The store's default bound on a whole transact, plus what a busy 2-core machine may add to a timer. */
const DEGRADE_BOUND_MS = 500 + 250;
/** A refused connection fails a command at once (no offline queue): far below any timeout. */
const REFUSED_BOUND_MS = 50;

let redis: RedisServer;
const stores: RedisLedgerStore[] = [];

function openStore(db: number): RedisLedgerStore {
  const store = new RedisLedgerStore({ host: LOOPBACK, port: redis.port, db });
  stores.push(store);
  return store;
}

beforeAll(async () => {
  redis = await startRedisServer();
});

afterEach(async () => {
  redis.signal('SIGCONT');
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

afterAll(async () => {
  await redis?.stop();
});

/** Resolves once every connection of `store` is ready (it connects in the background). */
async function connected(store: RedisLedgerStore): Promise<void> {
  if (!(await store.whenConnected(10_000)))
    throw new Error('the store did not connect to redis-server within 10 s');
}

function percentile(sortedMs: number[], fraction: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor(sortedMs.length * fraction))];
}

/** Runs `once` `count` times one after another; returns the sorted durations in ms. */
async function timed(count: number, once: (i: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await once(i);
    durations.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return durations.sort((a, b) => a - b);
}

const summary = (ms: number[]): string =>
  `median ${percentile(ms, 0.5).toFixed(3)} ms, p99 ${percentile(ms, 0.99).toFixed(3)} ms, max ${ms[ms.length - 1].toFixed(3)} ms`;

const record = (newest: number): PageRecord => ({
  newest,
  variants: [
    [
      '',
      { etag: `"${newest.toString(16)}-0123456789abcdef"`, lastModified: newest, notModifiedSince: newest },
    ],
  ],
});

describe('Redis ledger store on loopback', () => {
  it('one transact › its cost read only and with a write, one at a time and many at once', async () => {
    const store = openStore(1);
    await connected(store);
    await store.transact('/page.shtml', () => ({ write: record(1000), value: 0 }));
    const readOnly = await timed(SEQUENTIAL, () =>
      store.transact('/page.shtml', (found) => ({ value: found })),
    );
    const writing = await timed(SEQUENTIAL, (i) =>
      store.transact('/page.shtml', () => ({ write: record(2000 + i), value: i })),
    );
    const start = Date.now();
    const reads = await Promise.allSettled(
      Array.from({ length: CONCURRENT }, (_unused, i) =>
        store.transact(`/page-${i % 500}.shtml`, () => ({ value: i })),
      ),
    );
    const readsPerSecond = Math.round(CONCURRENT / ((Date.now() - start) / 1000));
    const readsLate = reads.filter(({ status }) => status === 'rejected').length;
    const writeStart = Date.now();
    const written = await Promise.allSettled(
      Array.from({ length: CONCURRENT / 4 }, (_unused, i) =>
        store.transact(`/page-${i % 500}.shtml`, () => ({ write: record(3000 + i), value: i })),
      ),
    );
    const writesPerSecond = Math.round(CONCURRENT / 4 / ((Date.now() - writeStart) / 1000));
    const writesLate = written.filter(({ status }) => status === 'rejected').length;
    console.log(
      [
        `redis ledger, loopback, ${SEQUENTIAL} sequential transacts each:`,
        `  read only (GET, decide):                         ${summary(readOnly)}`,
        `  with a write (GET, WATCH+GET, MULTI SET EXEC):   ${summary(writing)}`,
        `  ${CONCURRENT} concurrent read-only transacts over 500 pages: ${readsPerSecond}/s, ${readsLate} past the bounds`,
        `  ${CONCURRENT / 4} concurrent writing transacts over 500 pages (4 lanes): ${writesPerSecond}/s, ${writesLate} past the 500 ms bound (dated without the store)`,
      ].join('\n'),
    );
    expect(percentile(readOnly, 0.5)).toBeLessThan(percentile(writing, 0.5));
  });

  it('Redis killed, then hung (SIGSTOP) › a request waits at most the transact bound and is dated without it', async () => {
    const store = openStore(2);
    const errors: Error[] = [];
    const ledger = new ValidatorLedger(store, (error) => errors.push(error));
    await connected(store);
    const input = (i: number) => ({
      page: `/page-${i % 50}.shtml`,
      variant: '',
      etag: `"${i}"`,
      computed: 1_700_000_000_000,
      changedAt: 1_700_000_000_000,
      now: Date.now(),
    });

    await redis.kill();
    const refused = await timed(200, (i) => ledger.date(input(i)));

    await redis.restart();
    await connected(store);
    redis.signal('SIGSTOP');
    const hung = await timed(20, (i) => ledger.date(input(i)));
    const start = Date.now();
    await Promise.all(Array.from({ length: 1000 }, (_unused, i) => ledger.date(input(i))));
    const hungConcurrentMs = Date.now() - start;
    redis.signal('SIGCONT');
    await connected(store);
    const back = await store.transact('/page-1.shtml', () => ({ write: record(5000), value: 'written' }));

    console.log(
      [
        'redis ledger, time to degrade (ValidatorLedger.date answers without the store):',
        `  Redis killed (connection refused, reconnecting): ${summary(refused)}`,
        `  Redis hung (SIGSTOP, sockets open), one at a time: ${summary(hung)}`,
        `  Redis hung, 1000 requests at once: all answered in ${hungConcurrentMs} ms`,
        `  errors reported: ${errors.length} (${errors.map((error) => error.message).join(' | ')})`,
      ].join('\n'),
    );
    expect(percentile(refused, 0.5)).toBeLessThan(REFUSED_BOUND_MS);
    expect(hung[hung.length - 1]).toBeLessThan(DEGRADE_BOUND_MS);
    expect(hungConcurrentMs).toBeLessThan(DEGRADE_BOUND_MS);
    expect(back).toBe('written');
  });
});
