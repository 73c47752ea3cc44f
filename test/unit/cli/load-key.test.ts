// The config file's `load`: read as given, and each mistake one usage line naming the key and field.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../../../src/cli/config-file';
import { UsageError } from '../../../src/cli/usage';

let folder: string;
beforeAll(() => (folder = mkdtempSync(join(tmpdir(), 'cdn-include-load-config-'))));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function read(config: unknown) {
  const file = join(folder, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return readConfigFile(file);
}

describe('config key load', () => {
  it('a budget and one threshold › kept as given', () => {
    const load = {
      egressBytesPerSecond: 12_500_000,
      eventLoopDelayMs: { high: 80 },
      requestsInFlight: false,
    };
    expect(read({ load }).load).toEqual(load);
  });

  it.each([
    [{ load: 5 }, `'load' must be an object such as { "egressBytesPerSecond": 12500000, "enterWindows": 3 }`],
    [{ load: { windowMs: 0 } }, 'load.windowMs must be a whole number of milliseconds from 100 to 60000'],
    [{ load: { leaveWindows: 1.5 } }, 'load.leaveWindows must be a whole number from 1 to 100'],
    [{ load: { egress: { high: 0.9 } } }, 'load.egress needs load.egressBytesPerSecond'],
    [
      { load: { eventLoopUtilization: { low: 0.9 } } },
      'load.eventLoopUtilization.low must be a number from 0 to high (0.8)',
    ],
    [{ load: { shed: true } }, "load has an unknown key 'shed'"],
  ])('%j › one usage line: %s', (config, message) => {
    expect(() => read(config)).toThrow(UsageError);
    try {
      read(config);
    } catch (err) {
      expect((err as Error).message).toContain(message);
      expect((err as Error).message).toMatch(/^config file '.*config\.json': /);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
