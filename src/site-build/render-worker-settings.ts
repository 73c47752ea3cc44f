// What a render worker is told to build its own ports and options from: plain, cloneable values only, since the
// ports of the main thread (file source, output) are objects that cannot cross a thread.

import { type AssetHostsOptions, resolveAssetHosts } from '../asset-hosts/asset-host-options';
import { type GitFileTimes, GitTimesFileSource } from '../engine/git-times-file-source';
import { NodeFileSource } from '../engine/node-file-source';
import { type RenderOptions, resolveRenderOptions } from '../engine/render-options';
import { NodeOutputFs } from './node-output-fs';
import { type PageWriteOptions } from './page-writer';
import { SnapshotFileSource } from './snapshot-file-source';

/** The settings shared by every build a pool renders for: the folders and the render options. */
export interface RenderWorkerSettings {
  /** The docroot folder, as NodeFileSource takes it. */
  root: string;
  /** The output folder, as NodeOutputFs takes it. */
  out: string;
  /** The render options as given to buildSite, without the source (each worker opens `root` itself). */
  render: Omit<RenderOptions, 'source'>;
  /** With `--git-times`: the commit times the main thread's GitTimesFileSource reports. @default none */
  gitTimes?: GitFileTimes;
  /** The asset hosts as given to buildSite. @default none */
  assetHosts?: AssetHostsOptions;
}

/** The clocks of one build, which must be those the main thread's buildSite was given. */
export interface BuildClock {
  now: number;
  stampTime: number;
}

/**
 * The options of writePage for one build, on ports of its own: a fresh snapshot of the docroot, so a fragment
 * edited between two builds (under --watch) is read again.
 */
export function workerPageWriteOptions(settings: RenderWorkerSettings, clock: BuildClock): PageWriteOptions {
  const files = new NodeFileSource(settings.root, { blocking: true });
  const source = settings.gitTimes ? new GitTimesFileSource(files, settings.gitTimes) : files;
  return {
    render: resolveRenderOptions({ ...settings.render, source: new SnapshotFileSource(source) }),
    output: new NodeOutputFs(settings.out, { blocking: true }),
    now: clock.now,
    stampTime: clock.stampTime,
    assetHosts: settings.assetHosts === undefined ? undefined : resolveAssetHosts(settings.assetHosts),
  };
}
