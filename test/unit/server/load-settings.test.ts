// The `load` setting's check: defaults, partial thresholds, measures turned off, and one line naming the field
// for each mistake.

import { checkLoadSettings, DEFAULT_LOAD_THRESHOLDS } from '../../../src/server/load-settings';

describe('checkLoadSettings', () => {
  it('nothing given › the defaults, egress not judged', () => {
    const settings = checkLoadSettings({});
    expect(settings).toMatchObject({ windowMs: 1000, enterWindows: 2, leaveWindows: 3, smoothing: 0.5 });
    expect(settings.egressBudget).toBeUndefined();
    expect([...settings.thresholds.keys()]).toEqual([
      'eventLoopUtilization',
      'eventLoopDelayMs',
      'requestsInFlight',
    ]);
  });

  it('a budget › egress judged with the default shares; one threshold given › the others kept', () => {
    const settings = checkLoadSettings({ egressBytesPerSecond: 1000, eventLoopDelayMs: { high: 200 } });
    expect(settings.egressBudget).toBe(1000);
    expect(settings.thresholds.get('egress')).toEqual(DEFAULT_LOAD_THRESHOLDS.egress);
    expect(settings.thresholds.get('eventLoopDelayMs')).toEqual({ low: 40, high: 200, critical: 500 });
  });

  it('false › the measure is not judged', () => {
    expect(checkLoadSettings({ requestsInFlight: false }).thresholds.has('requestsInFlight')).toBe(false);
  });

  it.each([
    [[], 'load must be an object such as { "egressBytesPerSecond": 12500000, "enterWindows": 3 }'],
    [
      { window: 5 },
      "load has an unknown key 'window' (known: windowMs, enterWindows, leaveWindows, smoothing, " +
        'eventLoopUtilization, eventLoopDelayMs, requestsInFlight, egressBytesPerSecond, egress)',
    ],
    [{ windowMs: 10 }, 'load.windowMs must be a whole number of milliseconds from 100 to 60000'],
    [{ enterWindows: 0 }, 'load.enterWindows must be a whole number from 1 to 100'],
    [{ smoothing: 0 }, 'load.smoothing must be a number above 0 and at most 1'],
    [
      { egressBytesPerSecond: '10M' },
      'load.egressBytesPerSecond must be a whole number of bytes per second ≥ 1',
    ],
    [{ egress: { high: 0.9 } }, 'load.egress needs load.egressBytesPerSecond (the budget its shares are of)'],
    [
      { eventLoopUtilization: { critical: 1.5 } },
      'load.eventLoopUtilization.critical must be a number above 0 and at most 1',
    ],
    [
      { eventLoopUtilization: { high: 0.99 } },
      'load.eventLoopUtilization.high must be a number from 0 to below critical (0.95)',
    ],
    [{ eventLoopDelayMs: { low: 150 } }, 'load.eventLoopDelayMs.low must be a number from 0 to high (100)'],
    [
      { requestsInFlight: { max: 5 } },
      "load.requestsInFlight has an unknown key 'max' (known: low, high, critical)",
    ],
    [
      { requestsInFlight: 100 },
      'load.requestsInFlight must be an object such as { "low": 256, "high": 1024, "critical": 4096 }, or false',
    ],
  ])('%j › %s', (value, message) => {
    expect(() => checkLoadSettings(value)).toThrow(message);
  });
});
