// How big the build benchmark's run is, and how long it should take on this machine. Pure.

/** The sizes of one run. */
export interface BuildPlan {
  /** Pages of the main site. */
  pages: number;
  /** Cold builds per tool on the main site. */
  runs: number;
  /** Pages of the scale site (0: none). */
  scalePages: number;
  /** Measured `build --watch` edits. */
  watchEdits: number;
}

/**
 * Milliseconds per page measured here (2 shared cores): cdn-include's cold build, Hugo's and Eleventy's (each a
 * full build, also on every rebuild), writing one page's sources, and cdn-include's four rebuilds together.
 */
const MS_PER_PAGE = { ours: 0.7, hugo: 0.3, eleventy: 4.5, write: 0.1, ourRebuilds: 1.5 };
/** Milliseconds of start-up per run of each tool (Eleventy loads its plugins, node compiles our CLI). */
const START_UP_MS = { ours: 500, hugo: 300, eleventy: 2000 };
/** Above this many pages Eleventy is left out of the scale site: one build would take minutes. */
export const ELEVENTY_SCALE_LIMIT = 20_000;

/** Expected seconds of a run (from the costs above, rounded up a little), printed when it starts. */
export function plannedBuildSeconds(plan: BuildPlan): number {
  const { ours, hugo, eleventy, write, ourRebuilds } = MS_PER_PAGE;
  const startUp = START_UP_MS.ours + START_UP_MS.hugo + START_UP_MS.eleventy;
  const main =
    plan.pages * (3 * write + plan.runs * (ours + hugo + eleventy) + ourRebuilds + 4 * (hugo + eleventy)) +
    (plan.runs + 4) * startUp;
  const watch = plan.watchEdits === 0 ? 0 : plan.pages * 0.3 + 5_000 + plan.watchEdits * 600;
  // The floors: three runs of a start, a manifest read, the stats and each page's file written twice.
  const floors = 3 * (1_000 + plan.pages * 0.3);
  const withEleventy = plan.scalePages > 0 && plan.scalePages <= ELEVENTY_SCALE_LIMIT;
  const scale =
    plan.scalePages * (3 * write + ours + hugo + (withEleventy ? eleventy : 0)) +
    (plan.scalePages > 0 ? startUp - (withEleventy ? 0 : START_UP_MS.eleventy) : 0);
  return Math.ceil(((main + watch + floors + scale) / 1000) * 1.2);
}
