// The contract between the origin's load measurement and the steps that act on it (offload redirects, mirror
// redirects under load, the edge's under-load cache fields), and the check of an option that takes one. The
// measurement lives elsewhere (load-monitor.ts).

/**
 * How loaded the origin is, after smoothing and hysteresis: `normal`; `overloaded` (above the high thresholds for
 * long enough; shedding a share of requests that rises with load); `critical` (at or above the critical
 * thresholds; shedding everything that may be shed).
 */
export type LoadLevel = 'normal' | 'overloaded' | 'critical';

/** The origin's load signal as the request path reads it: cheap, synchronous, never throws. */
export interface LoadSignal {
  /** The current level. */
  level(): LoadLevel;
  /**
   * Whether the request asking should be shed (offloaded): never while `normal`, always while `critical`, and in
   * between with a probability that rises with load, so offload grows smoothly instead of flipping all at once.
   */
  shed(): boolean;
}

/**
 * `value` as an option holding a LoadSignal, or undefined when not given; anything else is misuse, a TypeError
 * naming the option (`ssi(): option 'loadSignal' must be a LoadSignal …`).
 */
export function checkLoadSignalOption(value: unknown, caller: string): LoadSignal | undefined {
  if (value === undefined) return undefined;
  const candidate = value as Partial<LoadSignal> | null;
  if (typeof candidate?.level !== 'function' || typeof candidate.shed !== 'function')
    throw new TypeError(
      `${caller}: option 'loadSignal' must be a LoadSignal (an object with level() and shed())`,
    );
  return value as LoadSignal;
}
