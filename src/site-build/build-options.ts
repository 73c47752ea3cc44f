// Options of buildSite, their defaults and checks, and the hash of everything that shapes a page's bytes.

import { createHash } from 'node:crypto';
import {
  type AssetHostsOptions,
  resolveAssetHosts,
  type ResolvedAssetHosts,
} from '../asset-hosts/asset-host-options';
import {
  type RenderOptions,
  type ResolvedRenderOptions,
  resolveRenderOptions,
} from '../engine/render-options';
import { type DependentsIndex } from './changed-scope';
import { type Manifest } from './manifest';
import { type OutputFs } from './output-fs';
import { type PageWriter } from './page-writer';
import { type SiteLister } from './site-lister';
import { describeWholeNumber, isWholeNumber } from '../fields/whole-number';

/**
 * How to build a site. The RenderOptions (`source`, `ssiExtensions`, `legacyExpressionPrefixes`, `limits`, …)
 * are those of the server, so the built pages are byte for byte what the server would send for a plain GET.
 */
export interface BuildOptions extends RenderOptions {
  /** Lists the docroot's files; hidden ones are skipped either way. */
  lister: SiteLister;
  /** The output folder, including the manifest from the previous build. */
  output: OutputFs;
  /** Build start, epoch ms: the render time of every page (DATE_LOCAL…) and the stamp of changed pages. @default Date.now() */
  now?: number;
  /**
   * The clock a page is stamped with when its bytes changed but none of its files is newer than its previous
   * Last-Modified. A reproducible build sets `now` to its commit's time and this to the real clock, since
   * such a stamp must be later than anything sent before. @default now
   */
  stampTime?: number;
  /**
   * The text of the manifest of the previously deployed build: a build into an empty folder continues its
   * validators, so no page's Last-Modified moves backward across deploys. @default none
   */
  previousManifest?: string;
  /** Files rendered or copied at the same time. @default 8 */
  concurrency?: number;
  /**
   * Names the renderer, e.g. `cdn-include 0.2.0`. It is part of the options hash, so an upgrade that may render
   * differently re-renders everything. @default ''
   */
  generator?: string;
  /**
   * Also write the nginx include of the digests (`/.well-known/cdn-include/nginx-digests.conf`, README "Mirrors")
   * beside the digest manifest the build always writes. @default false
   */
  nginxDigests?: boolean;
  /**
   * Called after each listed file is rendered, copied or found up to date, with the count so far and the total,
   * so a caller can draw progress; it must not throw. @default none
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * Asset hosts (README "Asset hosts"): HTML pages link their assets there, exactly as `serve` rewrites them; the
   * configuration's hash is part of the options hash, so a change renders every page again. @default undefined: off
   */
  assetHosts?: AssetHostsOptions;
  /**
   * What a process keeps between its builds of one output (watch mode): the manifest last written, which the
   * next build then neither reads nor parses. The output must not be built by anyone else meanwhile. @default none
   */
  session?: BuildSession;
  /**
   * The docroot paths changed since the build of `session`'s manifest, as a watcher reports them: only those and
   * the pages resting on them are built, without listing the site. Ignored without a session manifest. @default
   * undefined: every file is checked
   */
  changedPaths?: readonly string[];
  /**
   * Renders and writes each stale page instead of this thread: a RenderPool's `write`, whose workers must be
   * given the same render options, `now`, `stampTime` and output folder as this build. @default in this thread
   */
  pageWriter?: PageWriter;
}

/** The state buildSite keeps in a BuildSession. */
export interface BuildSession {
  /** The manifest the last build wrote (or found up to date); undefined before the first. */
  manifest?: Manifest;
  /** Its pages inverted, made by the first build of known changes and kept up to date by the next ones. */
  dependents?: DependentsIndex;
}

/** BuildOptions with every default filled in and the render options resolved once. */
export interface ResolvedBuildOptions {
  render: ResolvedRenderOptions;
  lister: SiteLister;
  output: OutputFs;
  now: number;
  stampTime: number;
  previousManifest: string | undefined;
  concurrency: number;
  nginxDigests: boolean;
  onProgress: ((done: number, total: number) => void) | undefined;
  /** renderOptionsHash of the render options and the generator (and the asset hosts' hash). */
  optionsHash: string;
  assetHosts: ResolvedAssetHosts | undefined;
  session: BuildSession | undefined;
  changedPaths: readonly string[] | undefined;
  pageWriter: PageWriter | undefined;
}

/** Fills in defaults; a bad value throws TypeError naming the option. */
export function resolveBuildOptions(options: BuildOptions): ResolvedBuildOptions {
  const {
    lister,
    output,
    now = Date.now(),
    stampTime = now,
    previousManifest,
    concurrency = 8,
    generator = '',
    nginxDigests = false,
    onProgress,
    assetHosts: assetHostsOptions,
    session,
    changedPaths,
    pageWriter,
    ...renderOptions
  } = options;
  if (typeof lister?.list !== 'function') throw new TypeError("option 'lister' must be a SiteLister");
  if (typeof output?.write !== 'function' || typeof output.readManifest !== 'function') {
    throw new TypeError("option 'output' must be an OutputFs");
  }
  if (!Number.isFinite(now) || now < 0)
    throw new TypeError("option 'now' must be a time in epoch milliseconds");
  if (!Number.isFinite(stampTime) || stampTime < 0)
    throw new TypeError("option 'stampTime' must be a time in epoch milliseconds");
  if (previousManifest !== undefined && typeof previousManifest !== 'string')
    throw new TypeError("option 'previousManifest' must be the text of a manifest");
  if (!isWholeNumber(concurrency, { min: 1 })) {
    throw new TypeError(`option 'concurrency' must be ${describeWholeNumber({ min: 1 })}`);
  }
  if (typeof generator !== 'string') throw new TypeError("option 'generator' must be a string");
  if (typeof nginxDigests !== 'boolean') throw new TypeError("option 'nginxDigests' must be true or false");
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError("option 'onProgress' must be a function");
  }
  if (pageWriter !== undefined && typeof pageWriter !== 'function') {
    throw new TypeError("option 'pageWriter' must be a function");
  }
  const render = resolveRenderOptions(renderOptions);
  const assetHosts = assetHostsOptions === undefined ? undefined : resolveAssetHosts(assetHostsOptions);
  return {
    render,
    lister,
    output,
    now,
    stampTime,
    previousManifest,
    concurrency,
    nginxDigests,
    onProgress,
    optionsHash: renderOptionsHash(
      render,
      assetHosts === undefined ? generator : `${generator}\0assetHosts ${assetHosts.hash}`,
    ),
    assetHosts,
    session,
    changedPaths,
    pageWriter,
  };
}

/**
 * A hash of every render option that can change a page's bytes (all but the source), plus the generator.
 * Values are hashed, never stored, as `environment` may hold secrets.
 */
export function renderOptionsHash(options: ResolvedRenderOptions, generator: string): string {
  const { source: _source, ...shaping } = options;
  return createHash('sha256')
    .update(stableJson({ generator, ...shaping }))
    .digest('base64url')
    .slice(0, 22);
}

/** JSON with object keys sorted at every level, so equal options always give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
