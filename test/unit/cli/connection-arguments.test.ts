import { connectionSettings, RESERVED_DESCRIPTORS } from '../../../src/cli/connection-arguments';
import { parseOpenFileLimit } from '../../../src/cli/open-file-limit';
import { parseServeArguments } from '../../../src/cli/serve-command';
import { createLimitedServer, DEFAULT_CONNECTION_LIMITS } from '../../../src/server/connection-limits';

const NO_FLAGS = {
  maxConnections: undefined,
  headersTimeout: undefined,
  requestTimeout: undefined,
  keepAliveTimeout: undefined,
};

describe('connection limits', () => {
  it('no flags and no config › the defaults, with a keep-alive timeout above a 60 s load-balancer idle timeout', () => {
    const { limits, warning } = connectionSettings(NO_FLAGS, {}, 1 << 20);
    expect(limits).toEqual(DEFAULT_CONNECTION_LIMITS);
    expect(limits.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(limits.headersTimeout).toBeLessThanOrEqual(limits.requestTimeout);
    expect(warning).toBeUndefined();
  });

  it('flags › win over the config file, which wins over the defaults', () => {
    const parsed = parseServeArguments(
      ['--max-connections', '50', '--headers-timeout', '1500', '--keep-alive-timeout', '0'],
      '/',
    );
    if (parsed.kind !== 'run') throw new Error(parsed.kind);
    const { limits } = connectionSettings(
      parsed.options,
      { maxConnections: 9, requestTimeout: 3000 },
      undefined,
    );
    expect(limits).toEqual({
      maxConnections: 50,
      headersTimeout: 1500,
      requestTimeout: 3000,
      keepAliveTimeout: 0,
    });
  });

  it.each([
    [['--max-connections', '0'], "option '--max-connections' needs a whole number from 1"],
    [['--headers-timeout', 'soon'], "option '--headers-timeout' needs a whole number"],
  ])('%j › a usage error naming the flag', (args, message) => {
    const parsed = parseServeArguments(args, '/');
    expect(parsed).toEqual({ kind: 'usage-error', message: expect.stringContaining(message) });
  });

  it('a header timeout longer than the request timeout › a usage error naming both', () => {
    expect(() =>
      connectionSettings({ ...NO_FLAGS, headersTimeout: 9000, requestTimeout: 1000 }, {}, undefined),
    ).toThrow("'headersTimeout' (9000 ms) must not exceed 'requestTimeout' (1000 ms)");
  });

  it('a low open-file limit › the default cap is lowered to leave room for files, without a warning', () => {
    const { limits, warning } = connectionSettings(NO_FLAGS, {}, 1024);
    expect(limits.maxConnections).toBe(1024 - RESERVED_DESCRIPTORS);
    expect(warning).toBeUndefined();
  });

  it('a cap asked for above the open-file limit › kept, with a warning that says what to raise', () => {
    const { limits, warning } = connectionSettings({ ...NO_FLAGS, maxConnections: 5000 }, {}, 1024);
    expect(limits.maxConnections).toBe(5000);
    expect(warning).toMatch(/1024 open files .*ulimit -n.*--max-connections/);
  });

  it('a /proc/self/limits text › its soft open-file limit; unlimited › undefined', () => {
    const limits = (soft: string) =>
      `Limit                     Soft Limit           Hard Limit           Units\n` +
      `Max processes             96369                96369                processes\n` +
      `Max open files            ${soft}                20000                files\n`;
    expect(parseOpenFileLimit(limits('1024'))).toBe(1024);
    expect(parseOpenFileLimit(limits('unlimited'))).toBeUndefined();
    expect(parseOpenFileLimit('')).toBeUndefined();
  });

  it('createLimitedServer › the server carries every limit', () => {
    const server = createLimitedServer(() => undefined, {
      maxConnections: 7,
      headersTimeout: 1000,
      requestTimeout: 2000,
      keepAliveTimeout: 3000,
    });
    expect([
      server.maxConnections,
      server.headersTimeout,
      server.requestTimeout,
      server.keepAliveTimeout,
    ]).toEqual([7, 1000, 2000, 3000]);
  });
});
