// Every state the fragment set had on disk, with when it held, so the verifier can ask whether a combination
// of versions existed during a time span. Times are this process's monotonic clock (performance.now()).

import { type FragmentSet, setKey, visibleSet } from './soak-site';

interface RecordedState {
  /** The page-visible key of the set. */
  key: string;
  /** When the change that made this state began (before its rename or unlink). */
  from: number;
  /** When the next change finished; Infinity while it is current. */
  to: number;
}

/** The history, append-only: a 60 s soak makes a few thousand states, so nothing is dropped. */
export class StateHistory {
  private readonly states: RecordedState[] = [];

  constructor(initial: FragmentSet, now: number) {
    this.states.push({ key: setKey(visibleSet(initial)), from: now, to: Infinity });
  }

  /**
   * Records a change made between `began` and `ended`: the old state may still have been seen until `ended`,
   * the new one already from `began`.
   */
  record(next: FragmentSet, began: number, ended: number): void {
    this.states[this.states.length - 1].to = ended;
    this.states.push({ key: setKey(visibleSet(next)), from: began, to: Infinity });
  }

  /** Whether the set with page-visible `key` was on disk at some moment of [start, end]. */
  existedDuring(key: string, start: number, end: number): boolean {
    for (let index = this.states.length - 1; index >= 0; index--) {
      const state = this.states[index];
      if (state.to < start) return false;
      if (state.key === key && state.from <= end) return true;
    }
    return false;
  }

  /** The states that held during [start, end], oldest first, for a violation's report. */
  statesDuring(start: number, end: number): string[] {
    return this.states
      .filter((state) => state.to >= start && state.from <= end)
      .map((state) => `${state.key} @${state.from.toFixed(1)}…${state.to.toFixed(1)}`);
  }

  /** How many states there were. */
  get size(): number {
    return this.states.length;
  }
}
