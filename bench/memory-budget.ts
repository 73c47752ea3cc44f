// What `cdn-include serve` (default settings, one worker, a --state folder) may hold in memory: the byte bounds
// of its caches, read from src/ (test/unit/bench/memory-budget.test.ts checks the exported ones still match),
// plus a stated constant. Pure.

import { judge, type Judged } from './verdict';

const MIB = 1024 * 1024;

/** One bounded cache of serve, with its default bound in bytes and where it is set. */
export interface CacheBound {
  name: string;
  bytes: number;
  source: string;
}

/** The caches of serve with default settings, largest first. Small memos (< 200 KB together) are in the margin. */
export const SERVE_CACHE_BOUNDS: readonly CacheBound[] = [
  {
    name: 'render cache (--cache-size)',
    bytes: 64 * MIB,
    source: 'src/server/page-cache.ts DEFAULT_PAGE_CACHE_BYTES',
  },
  {
    name: 'file and fragment cache',
    bytes: 32 * MIB,
    source: 'src/engine/caching-file-source.ts DEFAULT_FILE_CACHE_BYTES',
  },
  {
    name: 'parsed #if expressions',
    bytes: 4 * MIB,
    source: 'src/engine/expression-host.ts parsedExpressions',
  },
  {
    name: 'validator ledger reads (--state folder)',
    bytes: 4 * MIB,
    source: 'src/engine/folder-ledger-store.ts READ_CACHE_BYTES',
  },
  {
    name: 'streamed files’ ETags',
    bytes: 1 * MIB,
    source: 'src/engine/file-entity-tags.ts FileEntityTags maxBytes',
  },
  { name: 'compiled regexes', bytes: MIB / 4, source: 'src/ssi/expr/byte-regex.ts cache' },
];

/**
 * The heap limit serve runs with in this row: the README's memory model pairs the caches' budgets with a heap limit
 * of about twice their sum plus 64 MiB (`--max-old-space-size=256` for the defaults, with the young generation
 * capped: see SEMI_SPACE_MIB). Without one, V8 lets garbage pile up to a limit that follows the machine's memory (a
 * few GiB here), not the traffic, and RSS follows that limit instead of the caches.
 */
export const HEAP_LIMIT_MIB = 256;

/**
 * The young generation's cap, MiB per semi-space, paired with HEAP_LIMIT_MIB. Node 20 and 22 keep it at 16 on their
 * own; Node 24 lets it grow to 64 (with --max-old-space-size=256 its heap limit is 448 MiB instead of 304), and its
 * young garbage then outgrows RSS_MARGIN_MIB: 335 MiB against a bound of 312 in the random-access row.
 */
export const SEMI_SPACE_MIB = 16;

/** The Node flags of the README memory model's pairing for the default budgets. */
export const HEAP_FLAGS: readonly string[] = [
  `--max-old-space-size=${HEAP_LIMIT_MIB}`,
  `--max-semi-space-size=${SEMI_SPACE_MIB}`,
];

/**
 * The stated constant above a fresh serve's RSS, the README memory model's: V8's young generation and garbage not
 * yet collected under the heap limit, the sockets' buffers of the bench's connections, and malloc's arenas. A fresh
 * serve is one started on the same site that has answered the preflight requests.
 */
export const RSS_MARGIN_MIB = 96;

/** The sum of the cache bounds, MiB. */
export function cacheBudgetMiB(bounds: readonly CacheBound[] = SERVE_CACHE_BOUNDS): number {
  return bounds.reduce((sum, bound) => sum + bound.bytes, 0) / MIB;
}

/** The RSS serve must stay within: fresh RSS + the caches' bounds + RSS_MARGIN_MIB, in MiB. */
export function rssLimitMiB(freshMiB: number, bounds: readonly CacheBound[] = SERVE_CACHE_BOUNDS): number {
  return freshMiB + cacheBudgetMiB(bounds) + RSS_MARGIN_MIB;
}

/** The verdict "RSS ≤ caches + constant" for the highest RSS sampled during and after a load. */
export function judgeRss(page: string, highestMiB: number | undefined, freshMiB: number | undefined): Judged {
  const limit = freshMiB === undefined ? NaN : rssLimitMiB(freshMiB);
  const judged = judge(
    'serve RSS ≤ caches + constant (fresh RSS + margin)',
    page,
    highestMiB,
    { direction: 'at most', bound: limit, unit: 'MiB' },
    'RSS not sampled',
  );
  return freshMiB === undefined ? { ...judged, goal: '' } : judged;
}

/** One line naming the caches and the constant, for the output and RESULTS.md. */
export function describeBudget(freshMiB: number): string {
  const caches = SERVE_CACHE_BOUNDS.map((bound) => `${bound.name} ${+(bound.bytes / MIB).toFixed(2)}`).join(
    ' + ',
  );
  return (
    `RSS limit ${rssLimitMiB(freshMiB).toFixed(0)} MiB = fresh serve ${freshMiB.toFixed(0)} MiB + caches ` +
    `${cacheBudgetMiB().toFixed(2)} MiB (${caches}) + margin ${RSS_MARGIN_MIB} MiB, with ${HEAP_FLAGS.join(' ')}`
  );
}
