// The Redis ledger store against a real redis-server: records round-trip, origins share them, concurrent writers
// lose no update, a killed Redis degrades the ledger and is used again once back, a flushed one means first contact.

import Redis from 'ioredis';
import { RedisLedgerStore, type RedisLedgerStoreOptions } from '../../src/engine/redis-ledger-store';
import {
  datePage,
  dateWithoutRecord,
  ValidatorLedger,
  type DatingInput,
  type PageRecord,
} from '../../src/engine/validator-ledger';
import { parseRedisUrl } from '../../src/cli/ledger-store-argument';
import { startRedisServer, type RedisServer } from '../support/redis-server';

const SECOND = 1000;
const T0 = Date.UTC(2026, 0, 1);

let redis: RedisServer;
const stores: RedisLedgerStore[] = [];

/**
 * Bounds for the tests of what is stored: long enough that a busy machine never times a command out (a timed-out
 * transact may still have written, which would blur what they count). The Redis-dies test uses the defaults.
 */
const PATIENT = { commandTimeoutMs: 10_000, transactTimeoutMs: 20_000 };

/** A store on the test's server ("one origin"); closed after each test. */
function openStore(db = 0, options: RedisLedgerStoreOptions = PATIENT): RedisLedgerStore {
  const store = new RedisLedgerStore(parseRedisUrl(redis.url(db)), options);
  stores.push(store);
  return store;
}

/** Resolves once every connection of `store` is ready (it connects in the background). */
async function connected(store: RedisLedgerStore): Promise<void> {
  if (!(await store.whenConnected(10_000)))
    throw new Error('the store did not connect to redis-server within 10 s');
}

const read = (store: RedisLedgerStore, page: string): Promise<PageRecord | undefined> =>
  store.transact(page, (record) => ({ value: record }));

function input(etag: string, computed: number, changedAt = computed): DatingInput {
  return { page: '/news/index.shtml', variant: '', etag, computed, changedAt, now: T0 + 3600 * SECOND };
}

beforeAll(async () => {
  redis = await startRedisServer();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

afterAll(async () => {
  await redis?.stop();
});

describe('RedisLedgerStore', () => {
  it('when a record is written › a later store reads it back whole', async () => {
    const record: PageRecord = {
      newest: T0,
      variants: [['', { etag: '"a"', lastModified: T0, notModifiedSince: T0 }]],
    };
    const writer = openStore(1);
    await connected(writer);
    await expect(writer.transact('/a.shtml', () => ({ write: record, value: 'written' }))).resolves.toBe(
      'written',
    );
    const reader = openStore(1);
    await connected(reader);
    await expect(read(reader, '/a.shtml')).resolves.toEqual(record);
    await expect(read(reader, '/never-written.shtml')).resolves.toBeUndefined();
  });

  it('when one origin dated a page › another origin sends the same Last-Modified for the same bytes', async () => {
    const [first, second] = [openStore(2), openStore(2)];
    await Promise.all([connected(first), connected(second)]);
    const sent = await new ValidatorLedger(first).date(input('"v1"', T0));
    await expect(new ValidatorLedger(second).date(input('"v1"', T0))).resolves.toEqual(sent);
  });

  it('when a page was swapped for older bytes › an origin joining later never vouches for the old date', async () => {
    const [before, joining] = [openStore(3), openStore(3)];
    await connected(before);
    const old = await new ValidatorLedger(before).date(input('"new-mtime"', T0));
    await connected(joining);
    const swapped = await new ValidatorLedger(joining).date(input('"old-mtime"', T0 - 86400 * SECOND));
    // RFC 9110 §13.1.3: a 304 to If-Modified-Since needs a date at or after notModifiedSince.
    expect(swapped.notModifiedSince ?? Infinity).toBeGreaterThan(old.lastModified ?? 0);
  });

  it('when 4 origins bump one record concurrently › no update is lost', async () => {
    const origins = [openStore(4), openStore(4), openStore(4), openStore(4)];
    await Promise.all(origins.map(connected));
    const increment = (record: PageRecord | undefined) => {
      const next = (record?.newest ?? 0) + 1;
      return { write: { newest: next, variants: [] }, value: next };
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_unused, i) =>
        origins[i % origins.length].transact('/hot.shtml', increment),
      ),
    );
    // A transact may give up after repeated conflicts (the request is then dated without the store); every one
    // that succeeded wrote a value nobody else wrote, and the record holds the count of all writes made.
    const values = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(values.length).toBeGreaterThan(0);
    expect(new Set(values).size).toBe(values.length);
    await expect(read(origins[0], '/hot.shtml')).resolves.toEqual({ newest: values.length, variants: [] });
  });

  it('when 200 writers on 2 origins raise newest to their own value › it ends at the largest', async () => {
    const origins = [openStore(5), openStore(5)];
    await Promise.all(origins.map(connected));
    const values = Array.from({ length: 200 }, (_unused, i) => T0 + ((i * 7919) % 200) * SECOND);
    const raise = (value: number) => (record: PageRecord | undefined) =>
      record && record.newest >= value
        ? { value: 'kept' }
        : { write: { newest: value, variants: [] }, value: 'raised' };
    await Promise.all(values.map((value, i) => origins[i % 2].transact('/max.shtml', raise(value))));
    await expect(read(origins[1], '/max.shtml')).resolves.toEqual({
      newest: Math.max(...values),
      variants: [],
    });
  });

  it('when Redis is flushed › the page is met for the first time again', async () => {
    const store = openStore(6);
    await connected(store);
    const ledger = new ValidatorLedger(store);
    await ledger.date(input('"v1"', T0));
    await expect(read(store, '/news/index.shtml')).resolves.toBeDefined();
    // The store has no FLUSHALL: an operator's client does it.
    const admin = new Redis(redis.port, '127.0.0.1');
    await admin.flushall();
    admin.disconnect();
    const swapped = input('"v2"', T0 - SECOND, T0 + 60 * SECOND);
    await expect(read(store, '/news/index.shtml')).resolves.toBeUndefined();
    await expect(ledger.date(swapped)).resolves.toEqual(datePage(undefined, swapped).value);
  });
});

describe('RedisLedgerStore when Redis dies', () => {
  it('when redis-server is killed mid-run › transacts reject, the ledger degrades, and it is used again once back', async () => {
    const store = openStore(0, {});
    await connected(store);
    const errors: Error[] = [];
    const ledger = new ValidatorLedger(store, (error) => errors.push(error));
    const running = Promise.allSettled(
      Array.from({ length: 50 }, (_unused, i) =>
        store.transact(`/page-${i}.shtml`, () => ({
          write: { newest: T0 + i * SECOND, variants: [] },
          value: i,
        })),
      ),
    );
    await redis.kill();
    await running;

    await expect(read(store, '/page-1.shtml')).rejects.toThrow();
    const during = input('"v1"', T0);
    const degraded = { ...dateWithoutRecord(during), unrecorded: true };
    await expect(ledger.date(during)).resolves.toEqual(degraded);
    await expect(ledger.date(during)).resolves.toEqual(degraded);
    expect(errors).toHaveLength(1);

    await redis.restart();
    await connected(store);
    // The restarted server kept nothing (no persistence): the page is a first contact, dated by the rule again
    // (a second later: a failing store is left alone for a second).
    const after = { ...during, now: during.now + SECOND };
    await expect(ledger.date(after)).resolves.toEqual(datePage(undefined, after).value);
    await expect(read(store, '/news/index.shtml')).resolves.toBeDefined();
  });
});
