// Checks every soak response against the disk history: a 200's ETag is the server's tag of its body, its
// fragment versions coexisted on disk while it was being served, and a 304 is only given for bytes that were
// still current. Keeps the counts and a few examples of each violation.

import { entityTagOf } from '../../src/engine/validators';
import { type TimedResponse } from './http-client';
import { setKey, setShownBy } from './soak-site';
import { type StateHistory } from './state-history';

/** A 200 seen earlier, whose validators are replayed later. */
export interface SeenResponse {
  key: string;
  etag: string | undefined;
  lastModified: string | undefined;
}

export type ViolationKind = 'etag-mismatch' | 'mixed-versions' | 'stale-304' | 'server-error' | 'rss-growth';

const SEEN_PER_PAGE = 32;
const EXAMPLES_PER_KIND = 3;

/** Counts and checks responses. */
export class Verifier {
  readonly counts = {
    requests: 0,
    ok200: 0,
    /** 200s of a render whose files kept changing: sent `no-store` without validators, never cached. */
    unsettled200: 0,
    notModified304: 0,
    conditional: 0,
    other: 0,
    networkErrors: 0,
  };
  readonly violations: Record<ViolationKind, number> = {
    'etag-mismatch': 0,
    'mixed-versions': 0,
    'stale-304': 0,
    'server-error': 0,
    'rss-growth': 0,
  };
  readonly examples: string[] = [];
  private readonly seen = new Map<string, SeenResponse[]>();
  private readonly exampleCounts = new Map<ViolationKind, number>();
  private noWindowBefore = -Infinity;

  /**
   * @param history the disk states
   * @param windowMs how long the server may keep serving bytes that are no longer on disk (its documented
   *   staleness window); 0 when it promises none
   */
  constructor(
    private readonly history: StateHistory,
    private readonly windowMs: number,
  ) {}

  /** A response to a plain GET, or to a conditional one (`replayed` is then what was replayed). */
  check(page: string, response: TimedResponse, replayed?: SeenResponse): void {
    this.counts.requests++;
    if (replayed) this.counts.conditional++;
    const since = this.windowStart(response);
    if (response.status >= 500) return this.violation('server-error', `${page}: ${response.status}`);
    if (response.status === 304) {
      this.counts.notModified304++;
      // RFC 9110 §15.4.5: a 304 says the client's copy is current; it must have been on disk just now.
      if (!replayed) return this.violation('stale-304', `${page}: 304 to an unconditional GET`);
      if (!this.history.existedDuring(replayed.key, since, response.end)) {
        this.violation('stale-304', `${page}: 304 for ${replayed.key} (${replayed.etag}), gone from disk`);
      }
      return;
    }
    if (response.status !== 200) {
      this.counts.other++;
      return;
    }
    this.counts.ok200++;
    this.checkBody(page, response);
  }

  /** A request that failed without an HTTP answer (the server died, or a connection was reset). */
  networkError(page: string, err: unknown): void {
    this.counts.requests++;
    this.counts.networkErrors++;
    this.violation('server-error', `${page}: ${err instanceof Error ? err.message : String(err)}`);
  }

  /**
   * An earlier 200 of `page`, for a conditional request: half the time the latest (what an edge holds, the one a
   * restart or a rollback must not answer 304 for once its bytes are gone), else a random one; undefined before
   * the first.
   */
  pickReplay(page: string, random: () => number): SeenResponse | undefined {
    const list = this.seen.get(page);
    if (!list || list.length === 0) return undefined;
    return random() < 0.5 ? list[list.length - 1] : list[Math.floor(random() * list.length)];
  }

  /**
   * A new server process starts at `time` (this process's monotonic clock): it has seen no earlier bytes, so no
   * staleness window reaches back before it.
   */
  serverStartedAt(time: number): void {
    this.noWindowBefore = time;
  }

  /** Records a violation found outside any response (RSS growth). */
  violation(kind: ViolationKind, detail: string): void {
    this.violations[kind]++;
    const shown = this.exampleCounts.get(kind) ?? 0;
    if (shown < EXAMPLES_PER_KIND) this.examples.push(`${kind}: ${detail}`);
    this.exampleCounts.set(kind, shown + 1);
  }

  /** Every violation counted. */
  get totalViolations(): number {
    return Object.values(this.violations).reduce((sum, count) => sum + count, 0);
  }

  /** The earliest moment the bytes of `response` may have been on disk. */
  private windowStart(response: TimedResponse): number {
    return Math.min(response.start, Math.max(response.start - this.windowMs, this.noWindowBefore));
  }

  private checkBody(page: string, response: TimedResponse): void {
    const etag = header(response, 'etag');
    // A render that could not be made consistent goes out uncacheable and without validators: allowed, but its
    // bytes must still be one version of every file (checked below), and it has nothing to replay.
    const unsettled = etag === undefined && isNoStore(response);
    if (unsettled) this.counts.unsettled200++;
    else if (etag !== entityTagOf(response.body)) {
      this.violation(
        'etag-mismatch',
        `${page}: ETag ${etag} for a body whose tag is ${entityTagOf(response.body)}`,
      );
    }
    const shown = setShownBy(response.body.toString('latin1'));
    const key = shown && setKey(shown);
    const since = this.windowStart(response);
    if (!key || !this.history.existedDuring(key, since, response.end)) {
      const during = this.history.statesDuring(since, response.end);
      const span = `${response.start.toFixed(1)}…${response.end.toFixed(1)}`;
      this.violation(
        'mixed-versions',
        `${page}: ${key ?? 'two versions of one fragment'} never on disk during ${span}; on disk: ${during.join(' | ')}`,
      );
      return;
    }
    if (unsettled) return;
    const list = this.seen.get(page) ?? [];
    list.push({ key, etag, lastModified: header(response, 'last-modified') });
    if (list.length > SEEN_PER_PAGE) list.shift();
    this.seen.set(page, list);
  }
}

function isNoStore(response: TimedResponse): boolean {
  return /(^|,)\s*no-store\s*(,|$)/i.test(header(response, 'cache-control') ?? '');
}

function header(response: TimedResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
