// Entry point of the static build: renders every SSI page of a site to a folder and copies the other files,
// incrementally, through injected ports. Decides what to do with each file; the steps live beside it.

import { isSsiPath } from '../engine/render-options';
import { type BuildOptions, type ResolvedBuildOptions, resolveBuildOptions } from './build-options';
import {
  type BuildFailure,
  type BuildReport,
  type BuildWarning,
  type PageEntry,
  requestDependenceWarning,
} from './build-report';
import { mapConcurrently } from './concurrency';
import { interleavedByFolder } from './folder-interleave';
import {
  emptyManifest,
  type FileRecord,
  httpDate,
  type Manifest,
  MANIFEST_VERSION,
  type PageRecord,
  parseManifest,
  racyStampCount,
  serializeManifest,
} from './manifest';
import { type ChangedScope, changedScope, DependentsIndex } from './changed-scope';
import { isReservedPath, RESERVED_FOLDER } from './digest-manifest';
import { isPublished, publishDigests } from './digest-publisher';
import { SnapshotFileSource } from './snapshot-file-source';
import { pageStaleness, type StalenessContext, StatCache } from './page-staleness';
import type * as PageWriterModule from './page-writer';
import { isHiddenPath } from './site-lister';
import { copyStaticFile } from './static-copier';

/**
 * Builds the site: each SSI page is rendered as a plain GET at build start and written under the SAME path
 * (`/news/index.shtml` stays `/news/index.shtml`: links inside pages point at `.shtml` URLs, so renaming
 * would break them; serve the output with a `text/html` type for those extensions). Its mtime is the page's
 * Last-Modified, so a static server or object store behind a CDN sends the validators cdn-include would.
 * Other files are copied with their mtime. A manifest makes the next build render only what changed. Last, the
 * digest manifest of every output file is published at `/.well-known/cdn-include/manifest.json` (with
 * `nginxDigests`, an nginx include beside it), for mirrors that sync the output (README "Mirrors").
 *
 * Problems with single files are reported, not thrown; the promise rejects only when the site cannot be listed
 * or a manifest (its own, `previousManifest`, or the published digest manifest) cannot be read or written.
 *
 * @example
 * const report = await buildSite({
 *   source: new NodeFileSource('site'),
 *   lister: new NodeSiteLister('site'),
 *   output: new NodeOutputFs('dist'),
 * });
 * // report.rendered, report.pages[0].lastModified, report.warnings …
 */
export async function buildSite(options: BuildOptions): Promise<BuildReport> {
  const resolved = resolveBuildOptions(options);
  // One snapshot per build: each shared fragment is read once, not once per page that includes it.
  const source = new SnapshotFileSource(resolved.render.source);
  const run = new BuildRun({ ...resolved, render: { ...resolved.render, source } });
  await run.loadManifest();
  const scope = run.changedScope();
  const found = scope?.present ?? (await run.options.lister.list());
  const listed = [...new Set(found)].filter((path) => !isHiddenPath(path)).sort();
  const paths = run.withoutReserved(listed);
  let done = 0;
  await mapConcurrently(interleavedByFolder(paths), run.options.concurrency, async (path) => {
    await (isSsiPath(run.options.render, path) ? run.buildPage(path) : run.copyFile(path));
    run.options.onProgress?.(++done, paths.length);
  });
  await run.removeVanished(scope?.gone ?? run.vanished(new Set(paths)));
  // A rebuild that changed nothing leaves both manifests as they are (and the previous build's start as builtAt,
  // which only makes the racy rule stricter), unless a digest file is missing.
  if (run.hasChanges() || !(await isPublished(run.options))) {
    // Before the build's own manifest: a build killed in between leaves records that make the next one redo it.
    run.addWarnings(await publishDigests(run.next, run.options));
    await run.options.output.writeManifest(serializeManifest(run.next));
  } else if (run.settlesRacyStamps()) {
    // Git's index refresh: the same records, dated this build's start, spare every later build the bytes of the
    // stamps that were racy only against the previous start. Without it a site built within a tick of its
    // checkout would read those files again on every rebuild until something changed.
    await run.options.output.writeManifest(serializeManifest(run.next));
  }
  run.keepManifest();
  return run.report();
}

/** The state of one build: the previous manifest, the next one, and what happened to each file. */
class BuildRun {
  private previous: Manifest = emptyManifest();
  /** The previously deployed manifest (`previousManifest`), whose validators the pages continue. */
  private deployed: Manifest = emptyManifest();
  readonly next: Manifest;
  private readonly counts = { rendered: 0, skipped: 0, copied: 0, unchanged: 0, removed: 0 };
  /** Pages built or found up to date, with the reason each was rendered (undefined: up to date). */
  private readonly outcomes = new Map<string, string | undefined>();
  private readonly warnings: BuildWarning[] = [];
  private readonly failures: BuildFailure[] = [];
  private readonly stats: StatCache;
  /** Whether the next manifest records anything the previous one does not. */
  private changed = true;
  /** Whether a file was kept because its bytes, read to check a racy stamp, were the recorded ones. */
  private checkedRacyCopies = false;
  /** Whether the previous records are the session's own, so a build of known changes may rely on them. */
  private sessionScope = false;

  constructor(readonly options: ResolvedBuildOptions) {
    this.next = {
      version: MANIFEST_VERSION,
      optionsHash: options.optionsHash,
      builtAt: httpDate(options.now),
      pages: {},
      files: {},
    };
    this.stats = new StatCache(options.render.source);
  }

  async loadManifest(): Promise<void> {
    if (this.options.previousManifest !== undefined) {
      const deployed = parseManifest(this.options.previousManifest);
      // Building without it would let Last-Modified move backward: better no build than that.
      if (!deployed.ok) throw new Error(`the previous manifest is not usable: ${deployed.problem}`);
      this.deployed = deployed.manifest;
    }
    const { session } = this.options;
    if (session?.manifest) {
      this.previous = session.manifest;
      this.sessionScope = this.options.changedPaths !== undefined;
      // Until this build has written its own: one that fails half-way leaves the next to read the output's.
      session.manifest = undefined;
    } else {
      // An index of another manifest than the one read.
      if (session) session.dependents = undefined;
      const text = await this.options.output.readManifest();
      if (text === undefined) return;
      const parsed = parseManifest(text);
      if (!parsed.ok) {
        const message = `the manifest was ignored because ${parsed.problem}; every page is rendered again and its Last-Modified starts afresh`;
        this.warnings.push({ code: 'manifest-ignored', message });
        return;
      }
      this.previous = parsed.manifest;
      if (parsed.outdated) return;
    }
    this.changed = this.previous.optionsHash !== this.options.optionsHash;
  }

  /**
   * The files to look at when the changed paths are known and the previous records came from this session; they
   * then start the next manifest, as files outside the scope keep them. Undefined: list every file.
   */
  changedScope(): ChangedScope | undefined {
    const { changedPaths, session } = this.options;
    if (!this.sessionScope || this.changed || !changedPaths || !session) return undefined;
    const dependents = (session.dependents ??= new DependentsIndex(this.previous.pages));
    const scope = changedScope(this.previous, changedPaths, this.options.render.source, dependents);
    if (scope) {
      Object.assign(this.next.pages, this.previous.pages);
      Object.assign(this.next.files, this.previous.files);
      // The records outside the scope were checked against that build's start: the racy rule keeps to it.
      this.next.builtAt = this.previous.builtAt;
    }
    return scope;
  }

  /** Leaves the next manifest, now written or found up to date, to the session's next build. */
  keepManifest(): void {
    const { session } = this.options;
    if (!session) return;
    session.dependents?.update(this.previous.pages, this.next.pages);
    session.manifest = this.next;
  }

  /** `paths` without those in the folder the build writes its own files to, each reported. */
  withoutReserved(paths: readonly string[]): string[] {
    return paths.filter((path) => {
      if (!isReservedPath(path)) return true;
      const message = `${path} is not copied: the build writes its own files under ${RESERVED_FOLDER}`;
      this.warnings.push({ code: 'reserved-path', path, message });
      return false;
    });
  }

  /** True unless every record of the next manifest is the previous manifest's (nothing rendered, copied, removed…). */
  hasChanges(): boolean {
    return this.changed || this.failures.length > 0;
  }

  /** Whether the next manifest, dated this build's start, leaves fewer racy stamps than the previous start did. */
  settlesRacyStamps(): boolean {
    const previousStart = this.previousBuildStart();
    const nextStart = Date.parse(this.next.builtAt);
    if (previousStart === undefined || !(nextStart > previousStart)) return false;
    // Counting walks every record: only worth it when this build had to check racy stamps by their bytes.
    if (this.stats.digestsTaken === 0 && !this.checkedRacyCopies) return false;
    return racyStampCount(this.next, nextStart) < racyStampCount(this.next, previousStart);
  }

  addWarnings(warnings: readonly BuildWarning[]): void {
    this.warnings.push(...warnings);
  }

  async buildPage(path: string): Promise<void> {
    const previous = ownEntry(this.previous.pages, path);
    const deployed = ownEntry(this.deployed.pages, path);
    try {
      let reason = await pageStaleness(path, previous, this.stalenessContext());
      if (reason === undefined && deployed && !isSameValidators(deployed, previous))
        reason = 'the previous manifest records other validators';
      if (reason === undefined && previous) {
        this.next.pages[path] = previous;
        this.counts.skipped++;
        this.outcomes.set(path, undefined);
        return;
      }
      const record = latestRecord(previous, deployed);
      const result = await (this.options.pageWriter?.(path, record) ??
        inThreadWriter()(path, record, this.options));
      if (!result.ok) return this.failPage(path, result.message, previous);
      this.changed = true;
      this.next.pages[path] = result.record;
      this.counts.rendered++;
      this.outcomes.set(path, reason);
    } catch (err) {
      this.failPage(path, errorMessage(err), previous);
    }
  }

  async copyFile(path: string): Promise<void> {
    const previous = ownEntry(this.previous.files, path);
    try {
      const result = await copyStaticFile(
        path,
        {
          record: previous,
          wasPage: ownEntry(this.previous.pages, path) !== undefined,
          buildStart: this.previousBuildStart(),
        },
        this.options,
      );
      if (!result.ok) return this.failFile(path, result.message, previous);
      if (result.racyBytesChecked) this.checkedRacyCopies = true;
      if (result.copied || !previous || !isSameFileRecord(previous, result.output)) this.changed = true;
      this.next.files[path] = result.output;
      this.counts[result.copied ? 'copied' : 'unchanged']++;
    } catch (err) {
      this.failFile(path, errorMessage(err), previous);
    }
  }

  /** The files the previous build wrote that are not `listed`. */
  vanished(listed: ReadonlySet<string>): string[] {
    const recorded = [...Object.keys(this.previous.pages), ...Object.keys(this.previous.files)];
    return [...new Set(recorded.filter((path) => !listed.has(path)))];
  }

  /** Removes the outputs of files the previous build wrote whose source is gone. */
  async removeVanished(vanished: readonly string[]): Promise<void> {
    if (vanished.length > 0) this.changed = true;
    await mapConcurrently(vanished, this.options.concurrency, async (path) => {
      try {
        await this.options.output.remove(path);
        // A build of known changes started from the previous records.
        delete this.next.pages[path];
        delete this.next.files[path];
        this.counts.removed++;
      } catch (err) {
        // Keep the record, so the next build tries again.
        this.failures.push({ path, message: `could not remove the output: ${errorMessage(err)}` });
        const page = ownEntry(this.previous.pages, path);
        if (page) this.next.pages[path] = page;
        else this.next.files[path] = this.previous.files[path];
      }
    });
  }

  report(): BuildReport {
    const pages: PageEntry[] = [];
    const report: BuildReport = {
      ...this.counts,
      pages,
      diagnostics: [],
      warnings: [...this.warnings],
      failures: this.failures,
    };
    for (const path of [...this.outcomes.keys()].sort()) {
      const record = this.next.pages[path];
      const reason = this.outcomes.get(path);
      pages.push({
        path,
        etag: record.etag,
        lastModified: record.lastModified,
        lastModifiedMs: record.lastModifiedMs,
        rendered: reason !== undefined,
        ...(reason ? { reason } : {}),
      });
      for (const diagnostic of record.diagnostics) report.diagnostics.push({ page: path, diagnostic });
      const dependenceWarning = requestDependenceWarning(path, record.requestDependence);
      if (dependenceWarning) report.warnings.push(dependenceWarning);
      if (record.lastModifiedPending) report.warnings.push(pendingWarning(path, record));
    }
    report.failures.sort((a, b) => (a.path < b.path ? -1 : 1));
    return report;
  }

  private stalenessContext(): StalenessContext {
    return {
      optionsChanged: this.previous.optionsHash !== this.options.optionsHash,
      output: this.options.output,
      stats: this.stats,
      previousBuildStart: this.previousBuildStart() ?? Number.NaN,
    };
  }

  /**
   * When the previous build started (its manifest's builtAt, a whole second: never later than its reads);
   * undefined without a previous manifest, NaN (everything racy) if its date cannot be read.
   */
  private previousBuildStart(): number | undefined {
    return this.previous.builtAt === '' ? undefined : Date.parse(this.previous.builtAt);
  }

  /** Reports a page that failed; its old record stays, without dependencies, so its output is tracked and retried. */
  private failPage(path: string, message: string, previous: PageRecord | undefined): void {
    this.failures.push({ path, message });
    if (previous) this.next.pages[path] = { ...previous, dependencies: [] };
  }

  private failFile(path: string, message: string, previous: FileRecord | undefined): void {
    this.failures.push({ path, message });
    if (previous) this.next.files[path] = previous;
  }
}

function pendingWarning(path: string, record: PageRecord): BuildWarning {
  return {
    code: 'last-modified-pending',
    path,
    message:
      `${path} changed within the second of its previous Last-Modified (${record.lastModified}), so it keeps ` +
      'that date until the next build stamps a later one; build again after a second.',
  };
}

/** True when the output folder's record of a page carries the validators the deployed one does. */
function isSameValidators(deployed: PageRecord, own: PageRecord | undefined): boolean {
  return own !== undefined && own.etag === deployed.etag && own.lastModifiedMs === deployed.lastModifiedMs;
}

/** True when two records of a copied file say the same of its output. */
function isSameFileRecord(a: FileRecord, b: FileRecord): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.sha256 === b.sha256 && a.etag === b.etag;
}

/** The record whose Last-Modified is the later one: the next date must be later than both. */
function latestRecord(own: PageRecord | undefined, deployed: PageRecord | undefined): PageRecord | undefined {
  if (!deployed) return own;
  if (!own) return deployed;
  return deployed.lastModifiedMs > own.lastModifiedMs ? deployed : own;
}

function ownEntry<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * writePage, loaded on first use: a build whose pages render on worker threads, or that renders none (nothing
 * changed), never loads the SSI engine in this thread.
 */
function inThreadWriter(): typeof PageWriterModule.writePage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() in a function is a lazy load
  return (require('./page-writer') as typeof PageWriterModule).writePage;
}
