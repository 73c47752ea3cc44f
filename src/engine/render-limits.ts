// The limits that keep one render bounded in time and memory, with the option name that raises each.

import { describeWholeNumber, isWholeNumber } from '../fields/whole-number';

/** Limits for one page render. */
export interface RenderLimits {
  /** Nested include levels below the page (Apache's LimitInternalRecursion). @default 10 */
  maxIncludeDepth: number;
  /** Include directives executed in one page, all levels together: stops fan-out include bombs. @default 1000 */
  maxIncludes: number;
  /** Bytes of output in one page. @default 16 MiB */
  maxOutputBytes: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  maxIncludeDepth: 10,
  maxIncludes: 1000,
  maxOutputBytes: 16 * 1024 * 1024,
};

/** Checks the limits given by a caller; throws TypeError naming the bad option. */
export function resolveRenderLimits(limits: Partial<RenderLimits> = {}): RenderLimits {
  const resolved = { ...DEFAULT_RENDER_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!isWholeNumber(value, { min: 0 })) {
      throw new TypeError(
        `option '${name}' must be ${describeWholeNumber({ min: 0 })}, got ${String(value)}`,
      );
    }
  }
  return resolved;
}
