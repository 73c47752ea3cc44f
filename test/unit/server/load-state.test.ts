// The load signal's judgement over synthetic windows: smoothing, entering and leaving overloaded with hysteresis,
// critical, and the shed share rising linearly from high to critical.

import { checkLoadSettings, type LoadSettings } from '../../../src/server/load-settings';
import { LoadState, type LoadSample } from '../../../src/server/load-state';

const IDLE: LoadSample = {
  eventLoopUtilization: 0.1,
  eventLoopDelayMs: 1,
  requestsInFlight: 2,
  egressBytesPerSecond: 0,
};
/** Thresholds written out, so the tests do not move with the defaults. */
const EXPLICIT: LoadSettings = {
  eventLoopUtilization: { low: 0.6, high: 0.85, critical: 0.97 },
  eventLoopDelayMs: { low: 20, high: 50, critical: 250 },
  requestsInFlight: { low: 256, high: 1024, critical: 4096 },
};
const BUSY: LoadSample = { ...IDLE, eventLoopUtilization: 0.9 };

/** A judgement without smoothing unless asked, so each window's value is the value judged. */
function stateWith(settings: LoadSettings = {}): LoadState {
  return new LoadState(
    checkLoadSettings({ ...EXPLICIT, smoothing: 1, enterWindows: 3, leaveWindows: 2, ...settings }),
  );
}

function feed(state: LoadState, samples: LoadSample[]): string[] {
  return samples.map((sample) => {
    state.observe(sample);
    return state.level;
  });
}

describe('LoadState', () => {
  it('windows above high › overloaded only after enterWindows in a row', () => {
    const state = stateWith();
    expect(feed(state, [BUSY, BUSY, IDLE, BUSY, BUSY, BUSY])).toEqual([
      'normal',
      'normal',
      'normal',
      'normal',
      'normal',
      'overloaded',
    ]);
  });

  it('while overloaded › stays there between low and high, leaves after leaveWindows below low on every measure', () => {
    const state = stateWith();
    feed(state, [BUSY, BUSY, BUSY]);
    const between = { ...IDLE, eventLoopUtilization: 0.7 };
    const delayed = { ...IDLE, eventLoopDelayMs: 30 };
    expect(feed(state, [between, between, IDLE, delayed, IDLE, IDLE])).toEqual([
      'overloaded',
      'overloaded',
      'overloaded',
      'overloaded',
      'overloaded',
      'normal',
    ]);
  });

  it('at or above critical on any measure, once overloaded › critical; below it › back to overloaded', () => {
    const state = stateWith({ requestsInFlight: { low: 10, high: 100, critical: 1000 } });
    const crowded = { ...IDLE, requestsInFlight: 1000 };
    expect(feed(state, [crowded, crowded, crowded, BUSY])).toEqual([
      'normal',
      'normal',
      'critical',
      'overloaded',
    ]);
  });

  it('egress › judged as a share of its budget, ignored without one', () => {
    const sending = { ...IDLE, egressBytesPerSecond: 950 };
    const budgeted = stateWith({ enterWindows: 1, egressBytesPerSecond: 1000 });
    expect(feed(budgeted, [sending])).toEqual(['overloaded']);
    expect(budgeted.shedShare).toBeCloseTo((0.95 - 0.8) / (1 - 0.8));
    expect(feed(stateWith({ enterWindows: 1 }), [sending])).toEqual(['normal']);
  });

  it('a measure turned off with false › never judged', () => {
    const state = stateWith({ enterWindows: 1, eventLoopUtilization: false });
    expect(feed(state, [{ ...BUSY, eventLoopUtilization: 1 }])).toEqual(['normal']);
  });

  it.each([
    [0.85, 0],
    [0.88, 0.25],
    [0.91, 0.5],
    [0.94, 0.75],
  ])(
    'overloaded with utilisation %s (high 0.85, critical 0.97) › sheds a share of %s',
    (utilization, share) => {
      const state = stateWith({ enterWindows: 1 });
      state.observe(BUSY);
      state.observe({ ...IDLE, eventLoopUtilization: utilization });
      expect(state.level).toBe('overloaded');
      expect(state.shedShare).toBeCloseTo(share);
    },
  );

  it('the most loaded measure › sets the share', () => {
    const state = stateWith({ enterWindows: 1, eventLoopDelayMs: { low: 10, high: 100, critical: 200 } });
    state.observe({ ...IDLE, eventLoopUtilization: 0.88, eventLoopDelayMs: 175 });
    expect(state.shedShare).toBeCloseTo(0.75);
  });

  it('normal › sheds nothing, even above high; critical › sheds everything', () => {
    const state = stateWith({ enterWindows: 2 });
    state.observe({ ...IDLE, eventLoopUtilization: 0.99 });
    expect([state.level, state.shedShare]).toEqual(['normal', 0]);
    state.observe({ ...IDLE, eventLoopUtilization: 0.99 });
    expect([state.level, state.shedShare]).toEqual(['critical', 1]);
  });

  it('smoothing › one busy window among idle ones moves the average, not the level', () => {
    const state = new LoadState(checkLoadSettings({ ...EXPLICIT, smoothing: 0.5, enterWindows: 1 }));
    state.observe(IDLE);
    state.observe({ ...IDLE, eventLoopUtilization: 1 });
    expect(state.smoothed?.eventLoopUtilization).toBeCloseTo(0.55);
    expect(state.level).toBe('normal');
    state.observe({ ...IDLE, eventLoopUtilization: 1 });
    expect(state.smoothed?.eventLoopUtilization).toBeCloseTo(0.775);
    state.observe({ ...IDLE, eventLoopUtilization: 1 });
    expect(state.smoothed?.eventLoopUtilization).toBeCloseTo(0.8875);
    expect(state.level).toBe('overloaded');
  });
});
