// Test helper: a MirrorDirectory answered from given manifests instead of a prober, with the same rules
// (standingOf, offerOrder), that records what the middleware told it and lets a test announce changes.

import type { MirrorConfig } from '../../src/mirrors/mirror-config';
import {
  offerOrder,
  standingOf,
  type MirrorChange,
  type MirrorDirectory,
  type MirrorStanding,
  type MirrorView,
} from '../../src/mirrors/mirror-directory';
import type { MirrorManifest } from '../../src/mirrors/mirror-manifest';

export class FakeMirrorDirectory implements MirrorDirectory {
  readonly views: MirrorView[];
  readonly advertised: string[] = [];
  private readonly listeners = new Set<(change: MirrorChange) => void>();

  constructor(mirrors: Array<{ mirror: MirrorConfig; manifest: MirrorManifest; sendsDigests?: boolean }>) {
    this.views = offerOrder(
      mirrors.map(({ mirror, manifest, sendsDigests }) => ({
        mirror,
        manifest,
        exclusion: undefined,
        sendsDigests: sendsDigests ?? false,
      })),
    );
  }

  eligibleMirrors(path: string, sha256: string): readonly MirrorConfig[] {
    return this.views.filter((view) => standingOf(view, path, sha256).eligible).map((view) => view.mirror);
  }

  mirrorStandings(path: string, sha256: string): readonly MirrorStanding[] {
    return this.views.map((view) => standingOf(view, path, sha256));
  }

  sendsDigests(name: string): boolean {
    return this.views.some((view) => view.mirror.name === name && view.sendsDigests);
  }

  noteAdvertised(path: string): void {
    this.advertised.push(path);
  }

  onChange(listener: (change: MirrorChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Leaves the mirror out (as a failed check would) and tells the listeners. */
  exclude(name: string, reason: string): void {
    const view = this.views.find((candidate) => candidate.mirror.name === name);
    if (view === undefined) throw new Error(`no mirror ${name}`);
    view.exclusion = reason;
    const paths = new Set(view.manifest?.keys() ?? []);
    for (const listener of this.listeners) listener({ mirror: name, kind: 'excluded', paths, reason });
  }
}
