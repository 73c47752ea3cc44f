import { resolve } from 'node:path';
import { FolderLedgerStore } from '../../../src/engine/folder-ledger-store';
import { RedisLedgerStore } from '../../../src/engine/redis-ledger-store';
import { openLedgerStore, parseRedisUrl } from '../../../src/cli/ledger-store-argument';
import { UsageError } from '../../../src/cli/usage';

describe('--state', () => {
  it.each([
    ['redis://127.0.0.1:6380', { host: '127.0.0.1', port: 6380, db: 0, tls: false }],
    ['redis://cache.internal:6379/3', { host: 'cache.internal', port: 6379, db: 3, tls: false }],
    ['redis://cache.internal', { host: 'cache.internal', port: 6379, db: 0, tls: false }],
    ['redis://[::1]:7000/1', { host: '::1', port: 7000, db: 1, tls: false }],
    ['REDIS://h:1/', { host: 'h', port: 1, db: 0, tls: false }],
    [
      'rediss://app:p%40ss@h:6380/2',
      { host: 'h', port: 6380, db: 2, tls: true, username: 'app', password: 'p@ss' },
    ],
    ['redis://:secret@h:6379', { host: 'h', port: 6379, db: 0, tls: false, password: 'secret' }],
  ])('%s › names that server and database', (spec, location) => {
    expect(parseRedisUrl(spec)).toEqual(location);
  });

  it.each([
    ['redis://', 'no host'],
    ['redis://h:65536', 'not a URL'],
    ['redis://h:port', 'not a URL'],
    ['redis://h:0', 'port 0'],
    ['redis://h:6379/two', 'the database must be a number'],
    ['redis://h:6379/1/2', 'the database must be a number'],
    ['redis://h:6379/-1', 'the database must be a number'],
    ['redis://h:6379/0?family=6', 'a query or fragment is not supported'],
  ])('%s › a usage error saying %s', (spec, why) => {
    expect(() => openLedgerStore(spec)).toThrow(UsageError);
    expect(() => openLedgerStore(spec)).toThrow(why);
  });

  it('a malformed URL with a password › the message does not print the password', () => {
    expect(() => openLedgerStore('redis://app:hunter2@h:6379/x')).toThrow(
      "option '--state': the database must be a number in 'redis://app:***@h:6379/x'",
    );
  });

  it.each(['memcached://h:11211', 'http://h/', 'valkey://h:6379'])(
    '%s › another URL scheme is a usage error, not a folder',
    (spec) => {
      expect(() => openLedgerStore(spec)).toThrow(UsageError);
    },
  );

  it('an empty value › a usage error', () => {
    expect(() => openLedgerStore('')).toThrow(UsageError);
  });

  it.each(['state', '/var/lib/cdn-include', './redis:6379'])(
    '%s › a folder store on that folder',
    async (spec) => {
      const store = openLedgerStore(spec);
      expect(store).toBeInstanceOf(FolderLedgerStore);
      expect((store as FolderLedgerStore).folder).toBe(resolve(spec));
      await store.close();
    },
  );

  it('a Redis URL › a Redis store, made without waiting for the server', async () => {
    // Port 1 on loopback refuses at once: opening must not fail or wait, a read must fail fast.
    const store = openLedgerStore('redis://127.0.0.1:1/0');
    expect(store).toBeInstanceOf(RedisLedgerStore);
    await expect(store.transact('/a', () => ({ value: 1 }))).rejects.toThrow(
      /^Redis at 127\.0\.0\.1:1\/0: .* \(page \/a\)$/,
    );
    await expect((store as RedisLedgerStore).whenConnected(50)).resolves.toBe(false);
    await store.close();
  });
});
