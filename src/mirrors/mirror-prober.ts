// Probes each configured mirror on an interval: a conditional GET of its digest manifest, then one file of that
// manifest, chosen at random, fetched and hashed. Keeps the last view of each mirror and answers MirrorDirectory
// from it; never touches the origin's own responses.

import { DIGEST_MANIFEST_PATH } from '../site-build/digest-manifest';
import { MirrorAddresses, type HostLookup } from './mirror-addresses';
import { DEFAULT_MIRROR_CHECK_INTERVAL, type MirrorConfig } from './mirror-config';
import {
  offerOrder,
  standingOf,
  type MirrorChange,
  type MirrorDirectory,
  type MirrorStanding,
  type MirrorView,
} from './mirror-directory';
import { digestFromField } from '../fields/integrity-fields';
import { nodeMirrorGet, type MirrorHttpGet, type MirrorResponse } from './mirror-http';
import {
  changedPaths,
  parseMirrorManifest,
  type MirrorFileDigest,
  type MirrorManifest,
} from './mirror-manifest';

/** Options of MirrorProber. */
export interface MirrorProberOptions {
  /** The mirrors, as checkMirrorList returns them. */
  mirrors: readonly MirrorConfig[];
  /** Milliseconds from the end of one round of checks to the start of the next. @default 60000 */
  intervalMs?: number;
  /**
   * How long one request to a mirror may take, body included; a spot-checked file gets a further millisecond per
   * KB. @default half the interval, at most 10000
   */
  timeoutMs?: number;
  /** A manifest longer than this many bytes marks the mirror down. @default 67108864 (64 MiB) */
  maxManifestBytes?: number;
  /** The User-Agent of every probe, so a mirror's log tells probes from downloads. @default 'cdn-include-mirror-check' */
  userAgent?: string;
  /** Sends one request. @default nodeMirrorGet (node:http, node:https) */
  get?: MirrorHttpGet;
  /** A number in [0, 1) that picks the spot-checked file. @default Math.random */
  random?: () => number;
  /** Receives an error thrown by a change listener (which must not stop the probing). @default ignore */
  onListenerError?: (err: unknown) => void;
  /**
   * Resolves the mirrors' host names at each round (beside it, never delaying it), so isMirrorAddress knows them
   * too. @default none: only hosts written as IP addresses are known
   */
  lookupHost?: HostLookup;
}

/** What the prober keeps of one mirror: its view plus the validators of its last manifest. */
interface ProbedMirror extends MirrorView {
  etag: string | undefined;
  lastModified: string | undefined;
  /**
   * The file its last spot check failed on, with the SHA-256 its manifest listed then: checked again at every round
   * until it passes or the manifest lists other bytes, so the mirror stays left out while that file is wrong.
   */
  failed: { path: string; sha256: string } | undefined;
}

/** The most paths remembered as advertised between two rounds (a flood of paths keeps only the first). */
export const MAX_ADVERTISED_PATHS = 1024;

/** The exclusion of a mirror no round has checked yet. */
export const NOT_CHECKED_YET = 'not checked yet';

/** The manifest cap when none is given: a few hundred thousand files. */
export const DEFAULT_MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * The mirror prober and directory: `start()` checks every mirror now and then every interval, `stop()` ends it
 * (no timer or request is left behind). Until its first round a mirror is left out (`not checked yet`).
 * @example
 * const prober = new MirrorProber({ mirrors: checkMirrorList(config.mirrors) });
 * prober.start();
 * prober.eligibleMirrors('/file.iso', originSha256Base64); // [{ name: 'm1', url: 'http://…/' }]
 */
export class MirrorProber implements MirrorDirectory {
  private readonly views: ProbedMirror[];
  private readonly listeners = new Set<(change: MirrorChange) => void>();
  /** Paths whose mirror links went out since the last round began: the next spot checks choose among them. */
  private readonly advertised = new Set<string>();
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly maxManifestBytes: number;
  private readonly userAgent: string;
  private readonly get: MirrorHttpGet;
  private readonly random: () => number;
  private readonly addresses: MirrorAddresses;
  private addressRefresh: Promise<void> | undefined;
  private controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private running = false;

  constructor(private readonly options: MirrorProberOptions) {
    const views = options.mirrors.map((mirror) => ({
      mirror,
      manifest: undefined,
      exclusion: NOT_CHECKED_YET,
      sendsDigests: false,
      failed: undefined,
      etag: undefined,
      lastModified: undefined,
    }));
    this.views = offerOrder(views);
    this.intervalMs = options.intervalMs ?? DEFAULT_MIRROR_CHECK_INTERVAL * 1000;
    this.timeoutMs = options.timeoutMs ?? Math.min(10_000, Math.max(100, this.intervalMs / 2));
    this.maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    this.userAgent = options.userAgent ?? 'cdn-include-mirror-check';
    this.get = options.get ?? nodeMirrorGet;
    this.random = options.random ?? Math.random;
    this.addresses = new MirrorAddresses(options.mirrors, options.lookupHost);
  }

  /** {@inheritDoc MirrorDirectory.eligibleMirrors} */
  eligibleMirrors(path: string, sha256: string): readonly MirrorConfig[] {
    const eligible: MirrorConfig[] = [];
    for (const view of this.views) if (standingOf(view, path, sha256).eligible) eligible.push(view.mirror);
    return eligible;
  }

  /** {@inheritDoc MirrorDirectory.mirrorStandings} */
  mirrorStandings(path: string, sha256: string): readonly MirrorStanding[] {
    return this.views.map((view) => standingOf(view, path, sha256));
  }

  /** {@inheritDoc MirrorDirectory.sendsDigests} */
  sendsDigests(name: string): boolean {
    return this.views.some((view) => view.mirror.name === name && view.sendsDigests);
  }

  /** {@inheritDoc MirrorDirectory.noteAdvertised} */
  noteAdvertised(path: string): void {
    if (this.advertised.size < MAX_ADVERTISED_PATHS) this.advertised.add(path);
  }

  /** {@inheritDoc MirrorDirectory.onChange} */
  onChange(listener: (change: MirrorChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** {@inheritDoc MirrorDirectory.isMirrorAddress} */
  isMirrorAddress(address: string): boolean {
    return this.addresses.has(address);
  }

  /** Checks every mirror now, then again `intervalMs` after each round ends. Does nothing when already started. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.controller = new AbortController();
    this.runRound();
  }

  /** Stops probing: the next round is cancelled and requests under way are aborted; resolves once they ended. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.controller.abort();
    await this.round;
  }

  /**
   * Checks every mirror once (all at once); resolves when each has its new view. The spot checks choose among the
   * paths advertised since the last round when there are any: what clients are being sent to is what must be right.
   */
  async checkNow(): Promise<void> {
    const advertised = [...this.advertised];
    this.advertised.clear();
    await Promise.all(this.views.map((view) => this.check(view, this.controller.signal, advertised)));
  }

  private runRound(): void {
    // Beside the checks, one at a time: a slow resolver must never hold up a round.
    this.addressRefresh ??= this.addresses.refresh().finally(() => (this.addressRefresh = undefined));
    this.round = this.checkNow().then(() => {
      if (!this.running) return;
      this.timer = setTimeout(() => this.runRound(), this.intervalMs);
      // A pending check never keeps the process alive; stop() clears it anyway.
      this.timer.unref();
    });
  }

  /** One mirror's check: its manifest, then one spot-checked file; the first failure is its exclusion. */
  private async check(view: ProbedMirror, signal: AbortSignal, advertised: readonly string[]): Promise<void> {
    const before = { manifest: view.manifest, exclusion: view.exclusion, sendsDigests: view.sendsDigests };
    let exclusion: string | undefined;
    try {
      await this.refreshManifest(view, signal);
      exclusion = await this.spotCheck(view, signal, advertised);
    } catch (err) {
      exclusion = `down: ${(err as Error).message}`;
    }
    // A stop aborts the requests: their failures say nothing about the mirror.
    if (signal.aborted) return;
    view.exclusion = exclusion;
    this.announce(view, before);
  }

  /** Reads the manifest again, conditionally on the last one's validators; throws what makes the mirror down. */
  private async refreshManifest(view: ProbedMirror, signal: AbortSignal): Promise<void> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    // Validators only with a manifest to fall back on: a 304 must leave something to keep.
    if (view.manifest !== undefined && view.etag !== undefined) headers['if-none-match'] = view.etag;
    if (view.manifest !== undefined && view.lastModified !== undefined)
      headers['if-modified-since'] = view.lastModified;
    const url = new URL(DIGEST_MANIFEST_PATH.slice(1), view.mirror.url);
    const res = await this.get({
      url,
      headers,
      timeoutMs: this.timeoutMs,
      maxBytes: this.maxManifestBytes,
      keepBody: true,
      signal,
    });
    // RFC 9110 §15.4.5: 304, the manifest last read is still the mirror's.
    if (res.status === 304 && view.manifest !== undefined) return;
    if (res.status !== 200) throw new Error(`manifest answered ${res.status}`);
    view.manifest = parseMirrorManifest((res.body ?? Buffer.alloc(0)).toString('utf8'));
    view.etag = res.headers.etag;
    view.lastModified = res.headers['last-modified'];
  }

  /**
   * Fetches one random file of the manifest (of those among `advertised`, when the manifest lists any); the exclusion
   * when its status, length or SHA-256 is wrong. A mirror whose answer also carries the same SHA-256 in Repr-Digest
   * or Digest is noted as sending digests (RFC 6249 §3.3 `pref`).
   */
  private async spotCheck(
    view: ProbedMirror,
    signal: AbortSignal,
    advertised: readonly string[],
  ): Promise<string | undefined> {
    const path = this.pathToCheck(view, advertised);
    const expected = path === undefined ? undefined : view.manifest?.get(path);
    if (path === undefined || expected === undefined) return undefined;
    const reason = await this.checkFile(view, path, expected, signal);
    view.failed = reason === undefined ? undefined : { path, sha256: expected.sha256 };
    return reason;
  }

  /**
   * The file to spot-check: the one that failed last, while the manifest still lists the same bytes for it (a
   * random pick would let the mirror back while that file is still wrong); else a random one of `advertised` that
   * the manifest lists; else a random one of the manifest.
   */
  private pathToCheck(view: ProbedMirror, advertised: readonly string[]): string | undefined {
    const { failed, manifest } = view;
    if (failed !== undefined && manifest?.get(failed.path)?.sha256 === failed.sha256) return failed.path;
    const listed = advertised.filter((path) => manifest?.has(path));
    const paths = listed.length > 0 ? listed : [...(manifest?.keys() ?? [])];
    if (paths.length === 0) return undefined;
    return paths[Math.min(paths.length - 1, Math.floor(this.random() * paths.length))];
  }

  /** Fetches `path` from the mirror; the exclusion when its status, length or SHA-256 is not `expected`'s. */
  private async checkFile(
    view: ProbedMirror,
    path: string,
    expected: MirrorFileDigest,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    let res: MirrorResponse;
    try {
      res = await this.get({
        url: fileUrl(view.mirror.url, path),
        headers: { 'user-agent': this.userAgent },
        // A big file gets a second more per MB: a mirror slower than 1 MB/s to the origin fails the check.
        timeoutMs: this.timeoutMs + Math.ceil(expected.size / 1000),
        // One byte more than listed would already be wrong: never read further.
        maxBytes: expected.size,
        keepBody: false,
        signal,
      });
    } catch (err) {
      return `failed spot check: ${path}: ${(err as Error).message}`;
    }
    if (res.status !== 200) return `failed spot check: ${path}: answered ${res.status}`;
    if (res.length !== expected.size)
      return `failed spot check: ${path}: ${res.length} bytes, not ${expected.size}`;
    if (res.sha256 !== expected.sha256) return `failed spot check: ${path}: other SHA-256 than its manifest`;
    view.sendsDigests = sendsDigest(res, expected.sha256);
    return undefined;
  }

  /** Tells the listeners which paths' eligibility may have changed with this mirror's new view. */
  private announce(
    view: ProbedMirror,
    before: { manifest: MirrorManifest | undefined; exclusion: string | undefined; sendsDigests: boolean },
  ): void {
    const wasIn = before.exclusion === undefined;
    const isIn = view.exclusion === undefined;
    const empty: MirrorManifest = new Map();
    let change: MirrorChange | undefined;
    // A mirror found out at its first check is announced too (no path was eligible before), so it is logged.
    const firstFoundOut = before.exclusion === NOT_CHECKED_YET && !isIn;
    if ((wasIn || firstFoundOut) && !isIn)
      change = {
        mirror: view.mirror.name,
        kind: 'excluded',
        paths: new Set((before.manifest ?? empty).keys()),
        reason: view.exclusion,
      };
    else if (!wasIn && isIn)
      change = {
        mirror: view.mirror.name,
        kind: 'restored',
        paths: new Set((view.manifest ?? empty).keys()),
      };
    else if (isIn && before.sendsDigests !== view.sendsDigests)
      // Its `pref` changes on the link of every path it holds.
      change = { mirror: view.mirror.name, kind: 'digests', paths: new Set((view.manifest ?? empty).keys()) };
    else if (isIn && before.manifest !== view.manifest) {
      const paths = changedPaths(before.manifest ?? empty, view.manifest ?? empty);
      if (paths.size > 0) change = { mirror: view.mirror.name, kind: 'manifest', paths };
    }
    if (change === undefined) return;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.options.onListenerError?.(err);
      }
    }
  }
}

/** Whether `res` names its bytes' SHA-256 (`sha256`, base64) in Repr-Digest (RFC 9530) or Digest (RFC 3230). */
function sendsDigest(res: MirrorResponse, sha256: string): boolean {
  const repr = res.headers['repr-digest'];
  const named = repr === undefined ? undefined : digestFromField(repr, 'sha-256');
  if (named !== undefined && Buffer.from(named).toString('base64') === sha256) return true;
  // RFC 3230 §4.1.1: the algorithm token is case-insensitive; several instance digests are comma-separated.
  return (res.headers.digest ?? '')
    .split(',')
    .some((item) => item.trim().replace(/^sha-256=/i, 'SHA-256=') === `SHA-256=${sha256}`);
}

/** The URL of docroot path `path` (decoded) on the mirror whose base is `base`: each segment percent-encoded. */
export function fileUrl(base: string, path: string): URL {
  const encoded = path.slice(1).split('/').map(encodeURIComponent).join('/');
  return new URL(encoded, base);
}
