// `--watch` for serve and build: watches ROOT, logs the pages each change affects, lets the command act on them
// (drop cached responses, rebuild), then purges through the configured target: the changed files' tags, or the
// affected pages' URLs where the target needs URLs. One batch at a time; watcher trouble is logged, never silent.

import { readFileSync } from 'node:fs';
import { parseManifest } from '../site-build/manifest';
import type { DependencyGraph } from '../engine/dependency-graph';
import { watchDocroot, type DocrootWatcherOptions, type WatcherStatus } from '../engine/docroot-watcher';
import { formatPurgeEvent, PurgeQueue, type PurgeQueueOptions } from '../purge/purge-queue';
import {
  purgeTargetKind,
  type PurgeJob,
  type PurgeTarget,
  type PurgeTargetKind,
} from '../purge/purge-target';
import { MAX_TAG_HEADER_BYTES, purgeTagsFor, tagOf } from '../server/purge-tags';
import { MIRROR_LINKS_TAG } from '../server/mirror-links';
import { formatChange, reportChanges } from './change-report';

/** Options of startWatchMode. */
export interface WatchModeOptions {
  root: string;
  graph: DependencyGraph;
  /** Where affected pages are purged; undefined only logs them. */
  purge: PurgeTarget | undefined;
  /** Receives one line (no newline) per change and per purge outcome. */
  log: (line: string) => void;
  /** Receives one line per failure: watcher errors, retried and abandoned purges. */
  warn: (line: string) => void;
  /**
   * Acts on a batch before it is purged, e.g. drops cached responses or rebuilds; it may update the graph.
   * @default none
   */
  onChanges?: (paths: string[], pages: string[]) => void | Promise<void>;
  /** Absolute folders inside ROOT to ignore (build output). @default [] */
  exclude?: string[];
  /** Retry settings of the purge queue (tests shorten them). @default PurgeQueue's */
  retry?: Omit<PurgeQueueOptions, 'onEvent' | 'send'>;
  /** The largest tag header of the site's responses: above it they carry folder tags. @default 16384 */
  maxTagHeaderBytes?: number;
  /** What the command does while watching has failed, for the warning line. @default '' */
  fallbackNote?: string;
  /** Watcher settings (tests inject failures and shorten intervals). @default watchDocroot's */
  watcher?: Pick<
    DocrootWatcherOptions,
    'checkIntervalMs' | 'retryIntervalMs' | 'restoreGraceMs' | 'startWatch'
  >;
}

/** A running watch mode. */
export interface WatchMode {
  /** Stops watching; waits for the batch being handled; purges waiting for a retry are reported as given up. */
  close(): Promise<void>;
  /** Purges not yet done (queued, sending, waiting for a retry); 0 without a purge target. */
  pendingPurges(): number;
  /** Purges the responses whose mirror links may have changed with the eligibility of `paths` (docroot files). */
  purgeMirrorLinks(paths: ReadonlySet<string>): void;
  /**
   * Purges what rests on `paths` as if they had changed on disk (a configuration that pages record as a
   * dependency, such as asset hosts), logging the affected pages.
   */
  purgeChanged(paths: readonly string[]): void;
}

/** Starts watching `root`; changes are handled in order, never two batches at once. */
export function startWatchMode(options: WatchModeOptions): WatchMode {
  const { graph, log, warn } = options;
  const queue =
    options.purge &&
    new PurgeQueue(options.purge, {
      ...options.retry,
      onEvent: (event) => (event.kind === 'purged' ? log : warn)(formatPurgeEvent(event)),
    });
  const kind = options.purge && purgeTargetKind(options.purge);
  const maxTagHeaderBytes = options.maxTagHeaderBytes ?? MAX_TAG_HEADER_BYTES;
  let chain: Promise<void> = Promise.resolve();
  const handle = async (paths: string[]) => {
    const report = reportChanges(graph, paths);
    for (const change of report.changes) log(formatChange(change));
    try {
      await options.onChanges?.(paths, report.pages);
    } catch (err) {
      warn(`watch: handling ${paths.join(' ')} failed: ${(err as Error).message}`);
    }
    if (queue && kind) queue.enqueue(purgeJobs(graph, paths, kind, maxTagHeaderBytes));
  };
  const checkIntervalMs = options.watcher?.checkIntervalMs ?? 2000;
  const watcher = watchDocroot(options.root, {
    ...options.watcher,
    exclude: options.exclude,
    onChange: (paths) => void (chain = chain.then(() => handle(paths))),
    onStatus: (status) =>
      reportStatus(status, options.root, checkIntervalMs, options.fallbackNote ?? '', log, warn),
  });
  return {
    pendingPurges: () => queue?.pending ?? 0,
    purgeMirrorLinks: (paths) => {
      if (queue && kind) queue.enqueue(mirrorLinkPurgeJobs(graph, paths, kind));
    },
    purgeChanged: (paths) => {
      for (const change of reportChanges(graph, [...paths]).changes) log(formatChange(change));
      if (queue && kind) queue.enqueue(purgeJobs(graph, paths, kind, maxTagHeaderBytes));
    },
    async close() {
      watcher.close();
      await chain;
      queue?.close();
      await queue?.idle();
    },
  };
}

/** The log line of a watcher status: a fallback or a lost event is a warning, a recovery news. */
function reportStatus(
  status: WatcherStatus,
  root: string,
  checkIntervalMs: number,
  fallbackNote: string,
  log: (line: string) => void,
  warn: (line: string) => void,
): void {
  if (status.kind === 'restored') return log(`watch: watching ${root} again`);
  if (status.kind === 'overflow')
    return warn(`watch: events under ${root} were lost; treating every file as changed`);
  warn(
    `watch: cannot watch ${root} (${status.reason}); checking its files every ${checkIntervalMs / 1000} s ` +
      `instead${fallbackNote}, and trying to watch again`,
  );
}

/**
 * The purges of a batch of changed files. A target that needs URLs (`{url}`) gets one per affected page URL,
 * with that page's own tag (always among its tags, even coarsened). Any other gets the tag of each changed
 * file some page rests on (each file below a changed folder), once, plus the own tag of each affected page whose
 * tags may have been coarsened to folder tags (it does not carry the file's tag).
 */
export function purgeJobs(
  graph: DependencyGraph,
  changed: readonly string[],
  kind: PurgeTargetKind,
  maxTagHeaderBytes: number = MAX_TAG_HEADER_BYTES,
): PurgeJob[] {
  const pages = [...new Set(changed.flatMap((path) => graph.affectedFiles(path)))].sort();
  if (kind === 'url')
    return pages.flatMap((page) =>
      graph.urlsOf(page).map((url) => ({ tag: tagOf(page), url: encodeUrl(url) })),
    );
  const files = new Set(changed.flatMap((path) => graph.knownPathsAt(path)));
  for (const page of pages) {
    const paths = graph.dependenciesOf(page) ?? [];
    if (purgeTagsFor(paths, { maxHeaderBytes: maxTagHeaderBytes }).level !== 'file') files.add(page);
  }
  return [...files].sort().map((path) => ({ tag: tagOf(path), url: encodeUrl(path) }));
}

/**
 * The purges after a change of the mirrors eligible for `paths`: a target that needs URLs gets each URL those files
 * were served at; any other the one tag every response carrying mirror links has (README "Mirrors").
 */
export function mirrorLinkPurgeJobs(
  graph: DependencyGraph,
  paths: ReadonlySet<string>,
  kind: PurgeTargetKind,
): PurgeJob[] {
  if (kind !== 'url') return [{ tag: MIRROR_LINKS_TAG, url: '/' }];
  return [...paths]
    .sort()
    .flatMap((path) => graph.urlsOf(path).map((url) => ({ tag: tagOf(path), url: encodeUrl(url) })));
}

/** Percent-encodes what cannot go in a header or a JSON string as is. */
function encodeUrl(url: string): string {
  return url.replace(/[^\x21-\x7e]|["\\]/g, (c) => encodeURIComponent(c));
}

/**
 * Adds the pages of the build manifest in `file` to `graph`; returns a one-line problem instead of throwing
 * (a missing or unreadable manifest only means the graph starts from what gets rendered).
 */
export function loadManifestInto(graph: DependencyGraph, file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return `cannot read the manifest ${file}: ${(err as Error).message}`;
  }
  const parsed = parseManifest(text);
  if (!parsed.ok) return `ignoring the manifest ${file}: ${parsed.problem}`;
  graph.recordManifest(parsed.manifest.pages);
  return undefined;
}
