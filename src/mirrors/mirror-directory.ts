// Which mirrors hold a path's current bytes, and why each other one is left out: the questions the rest of the
// origin asks about mirrors (README "Mirrors"). Pure: answers from the prober's last view of each mirror.

import { priorityOf, type MirrorConfig } from './mirror-config';
import type { MirrorManifest } from './mirror-manifest';

/** What the prober last learnt of one mirror. */
export interface MirrorView {
  mirror: MirrorConfig;
  /** The mirror's last good manifest; undefined until one was read. */
  manifest: MirrorManifest | undefined;
  /** Why the whole mirror is left out (`down: …`, `failed spot check: …`); undefined while it passes its checks. */
  exclusion: string | undefined;
  /** Its last spot-checked answer named the right SHA-256 in Repr-Digest or Digest (RFC 6249 §3.3 `pref`). */
  sendsDigests: boolean;
}

/** A mirror as the mirror list shows it for one path: eligible, or left out with the reason. */
export type MirrorStanding =
  { mirror: MirrorConfig; eligible: true } | { mirror: MirrorConfig; eligible: false; reason: string };

/** A change in the paths a mirror is eligible for, so pages whose mirror links change can be purged. */
export interface MirrorChange {
  /** The mirror's name. */
  mirror: string;
  /**
   * `manifest`: a new manifest; `excluded`/`restored`: the whole mirror left out (also when its first check fails,
   * with no paths) or back; `digests`: its answers started or stopped naming their digests (its `pref`).
   */
  kind: 'manifest' | 'excluded' | 'restored' | 'digests';
  /** The URL paths (decoded) whose eligibility may have changed. */
  paths: ReadonlySet<string>;
  /** Why the mirror is now left out (kind `excluded`). */
  reason?: string;
}

/** What the origin asks about its mirrors; the prober answers it, a test may fake it. */
export interface MirrorDirectory {
  /**
   * The mirrors whose current manifest lists `path` with exactly `sha256` (the origin's current SHA-256, base64)
   * and that pass their checks, by priority then in configured order.
   */
  eligibleMirrors(path: string, sha256: string): readonly MirrorConfig[];
  /** Every mirror for `path`, in the same order, eligible or with the reason it is left out. */
  mirrorStandings(path: string, sha256: string): readonly MirrorStanding[];
  /**
   * Whether the mirror's answers carry the same digest fields as the origin's (its last spot check showed it): an
   * RFC 6249 §3.3 preferred mirror, whose bytes a client can verify as it downloads.
   */
  sendsDigests(name: string): boolean;
  /** Told each path whose mirror links went out, so the next checks look at what clients are sent to. */
  noteAdvertised(path: string): void;
  /** Calls `listener` on each change of eligibility; returns the function that stops it. */
  onChange(listener: (change: MirrorChange) => void): () => void;
  /**
   * Whether `address` is a mirror host's own (a host given as an IP address, or what a host name resolved to at the
   * last round), so its requests are never redirected to a mirror. Without it, no client counts as a mirror.
   */
  isMirrorAddress?(address: string): boolean;
}

/** Mirrors in the order they are offered: RFC 6249 §3.2 `pri` (lower first), then as configured. */
export function offerOrder<T extends { mirror: MirrorConfig }>(views: readonly T[]): T[] {
  return views
    .map((view, index) => ({ view, index }))
    .sort((a, b) => priorityOf(a.view.mirror) - priorityOf(b.view.mirror) || a.index - b.index)
    .map(({ view }) => view);
}

/**
 * Whether `view`'s mirror may be offered for `path` with digest `sha256`, or why not.
 * @example standingOf(view, '/a.html', 'n4bQ…=') // { mirror, eligible: false, reason: 'stale: other digest' }
 */
export function standingOf(view: MirrorView, path: string, sha256: string): MirrorStanding {
  const { mirror } = view;
  if (view.exclusion !== undefined) return { mirror, eligible: false, reason: view.exclusion };
  const entry = view.manifest?.get(path);
  if (entry === undefined) return { mirror, eligible: false, reason: 'no such file' };
  if (entry.sha256 !== sha256) return { mirror, eligible: false, reason: 'stale: other digest' };
  return { mirror, eligible: true };
}
