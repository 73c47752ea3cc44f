// `--watch` for serve and build: watches ROOT, logs the pages each change affects, lets the command act on them
// (drop cached responses, rebuild), then purges them through the configured target. One batch at a time.

import { readFileSync } from 'node:fs';
import { parseManifest } from '../build/manifest';
import type { DependencyGraph } from '../engine/dependency-graph';
import { watchDocroot } from '../engine/docroot-watcher';
import { formatPurgeEvent, PurgeQueue, type PurgeQueueOptions } from '../http/purge-queue';
import type { PurgeJob, PurgeTarget } from '../http/purge-target';
import { tagOf } from '../http/purge-tags';
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
}

/** A running watch mode. */
export interface WatchMode {
  /** Stops watching; waits for the batch being handled; purges waiting for a retry are reported as given up. */
  close(): Promise<void>;
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
  let chain: Promise<void> = Promise.resolve();
  const handle = async (paths: string[]) => {
    const report = reportChanges(graph, paths);
    for (const change of report.changes) log(formatChange(change));
    try {
      await options.onChanges?.(paths, report.pages);
    } catch (err) {
      warn(`watch: handling ${paths.join(' ')} failed: ${(err as Error).message}`);
    }
    queue?.enqueue(purgeJobs(graph, report.pages));
  };
  const watcher = watchDocroot(options.root, {
    exclude: options.exclude,
    onChange: (paths) => void (chain = chain.then(() => handle(paths))),
    onError: (err) => warn(`watch: stopped watching ${options.root}: ${err.message}`),
  });
  return {
    async close() {
      watcher.close();
      await chain;
      queue?.close();
      await queue?.idle();
    },
  };
}

/** A purge per page: its own file's tag (always among its tags, even coarsened) and its URL, percent-encoded. */
export function purgeJobs(graph: DependencyGraph, pages: readonly string[]): PurgeJob[] {
  return pages.map((url) => ({
    tag: tagOf(graph.fileOf(url) ?? url),
    url: url.replace(/[^\x21-\x7e]|["\\]/g, (c) => encodeURIComponent(c)),
  }));
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
