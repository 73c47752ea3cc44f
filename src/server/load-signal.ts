// The contract between the origin's load measurement and the steps that act on it (offload redirects, mirror
// redirects under load, the edge's under-load cache fields). Types only: the measurement lives elsewhere.

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
