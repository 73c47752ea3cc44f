// The load signal's judgement: one window's measures in, the smoothed measures, the level (with hysteresis) and
// the share of requests to shed out. Pure: a state machine over samples, no clock, no timers, no randomness.

import type { LoadLevel } from './load-signal';
import type { LoadMeasure, ResolvedLoadSettings } from './load-settings';

/** What one window measured. */
export interface LoadSample {
  /** Share of the window the event loop was busy, 0 to 1. */
  eventLoopUtilization: number;
  /** The window's 99th percentile of event-loop delay, in ms. */
  eventLoopDelayMs: number;
  /** Requests under way at the end of the window. */
  requestsInFlight: number;
  /** Bytes written to clients per second over the window. */
  egressBytesPerSecond: number;
}

/**
 * The level and shed share that follow from a series of windows: smoothed by an exponentially weighted moving
 * average, `overloaded` entered after `enterWindows` windows above `high` on any measure and left after
 * `leaveWindows` windows below `low` on every measure; `critical` while overloaded and at or above `critical`.
 * @example
 * const state = new LoadState(checkLoadSettings({ enterWindows: 1 }));
 * state.observe({ eventLoopUtilization: 0.9, eventLoopDelayMs: 5, requestsInFlight: 3, egressBytesPerSecond: 0 });
 * state.level; // 'overloaded'
 */
export class LoadState {
  private current: LoadLevel = 'normal';
  private share = 0;
  private windowsAbove = 0;
  private windowsBelow = 0;
  private average: LoadSample | undefined;

  constructor(private readonly settings: ResolvedLoadSettings) {}

  /** The level after the windows observed so far. */
  get level(): LoadLevel {
    return this.current;
  }

  /** The share of requests to shed, 0 to 1: 0 while normal, 1 while critical, the load's place between in between. */
  get shedShare(): number {
    return this.share;
  }

  /** The moving averages of the measures; undefined before the first window. */
  get smoothed(): Readonly<LoadSample> | undefined {
    return this.average;
  }

  /** Takes one window's measures and moves the level. */
  observe(sample: LoadSample): void {
    const average = smooth(this.average, sample, this.settings.smoothing);
    this.average = average;
    let anyAbove = false;
    let allBelow = true;
    let anyCritical = false;
    let pressure = 0;
    for (const [measure, { low, high, critical }] of this.settings.thresholds) {
      const value = valueOf(measure, average, this.settings.egressBudget);
      anyAbove ||= value > high;
      allBelow &&= value < low;
      anyCritical ||= value >= critical;
      pressure = Math.max(pressure, Math.min(1, Math.max(0, (value - high) / (critical - high))));
    }
    this.windowsAbove = anyAbove ? this.windowsAbove + 1 : 0;
    this.windowsBelow = allBelow ? this.windowsBelow + 1 : 0;
    this.current = this.nextLevel(anyCritical);
    this.share = this.current === 'normal' ? 0 : this.current === 'critical' ? 1 : pressure;
  }

  private nextLevel(anyCritical: boolean): LoadLevel {
    if (this.current === 'normal') {
      if (this.windowsAbove < this.settings.enterWindows) return 'normal';
      return anyCritical ? 'critical' : 'overloaded';
    }
    if (this.windowsBelow >= this.settings.leaveWindows) return 'normal';
    return anyCritical ? 'critical' : 'overloaded';
  }
}

/** The moving average after `sample`: the sample itself at first, then weighted by `weight`. */
function smooth(previous: LoadSample | undefined, sample: LoadSample, weight: number): LoadSample {
  if (previous === undefined) return { ...sample };
  const mix = (before: number, now: number) => before + weight * (now - before);
  return {
    eventLoopUtilization: mix(previous.eventLoopUtilization, sample.eventLoopUtilization),
    eventLoopDelayMs: mix(previous.eventLoopDelayMs, sample.eventLoopDelayMs),
    requestsInFlight: mix(previous.requestsInFlight, sample.requestsInFlight),
    egressBytesPerSecond: mix(previous.egressBytesPerSecond, sample.egressBytesPerSecond),
  };
}

/** A measure's value as its thresholds are written: egress as a share of its budget, the others as measured. */
function valueOf(measure: LoadMeasure, sample: LoadSample, egressBudget: number | undefined): number {
  if (measure === 'egress')
    return egressBudget === undefined ? 0 : sample.egressBytesPerSecond / egressBudget;
  return sample[measure];
}
