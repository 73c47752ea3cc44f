// `cdn-include build`: parses its arguments, renders the site to the output folder, and reports what it did.

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { buildSite } from '../site-build/build-site';
import type { BuildOptions as SiteBuildOptions, BuildSession } from '../site-build/build-options';
import { summarizeBuild, type BuildReport } from '../site-build/build-report';
import { NodeOutputFs } from '../site-build/node-output-fs';
import { NodeSiteLister } from '../site-build/node-site-lister';
import { formatDiagnostic } from '../engine/diagnostics';
import { NodeFileSource } from '../engine/node-file-source';
import { DEFAULT_MANIFEST_NAME } from '../site-build/node-output-fs';
import { RenderPool, renderWorkerScript } from '../site-build/render-pool';
import { DependencyGraph } from '../engine/dependency-graph';
import { type GitFileTimes, GitTimesFileSource } from '../engine/git-times-file-source';
import type { FileSource } from '../engine/file-source';
import { readGitFileTimes } from './git-file-times';
import { siteSettings, type SiteSettings } from './config-file';
import { EXIT_FAILURE, EXIT_SUCCESS, EXIT_USAGE, type Command, type CommandIo } from './command';
import {
  flagHelp,
  HELP_FLAG_LINE,
  interpretArguments,
  switched,
  valued,
  wholeNumberFlag,
  withNote,
  type FlagDeclaration,
  type FlagValues,
} from './flags';
import { readPackageVersion } from './package-paths';
import { createProgressBar, type ProgressBar } from './progress-bar';
import { writeLines } from './batched-output';
import type { WatchSettings } from './settings';
import { GIT_TIMES, SITE_FLAGS, siteRoot, whenRootIsUsable } from './site-arguments';
import { UsageError, formatUsageError, settleArguments, type ArgumentsResult } from './usage';
import { WATCH, WATCH_FLAGS, watchSettings, withPurgeTarget, type WithPurgeTarget } from './watch-arguments';
import type * as WatchModeModule from './watch-mode';

/** `-o, --out DIR`, absolute. */
export const OUT: FlagDeclaration<string | undefined> = {
  flag: valued(
    {
      name: 'out',
      short: 'o',
      argument: 'DIR',
      help: 'the folder to write the site to (required); must not be ROOT or contain it',
    },
    (given, cwd) => {
      if (given === '') throw new UsageError("missing required option '--out DIR'");
      return path.resolve(cwd, given);
    },
  ),
};

/** serve's `--manifest`, accepted by build only to say that build reads its own. */
const NO_MANIFEST: FlagDeclaration<undefined> = {
  flag: valued({ name: 'manifest', argument: 'FILE', help: '', hidden: true }, () => {
    throw new UsageError("option '--manifest' is for serve; build reads DIR's own manifest");
  }),
};

/** `--previous-manifest FILE`, absolute: the deployed build whose validators the pages continue. */
export const PREVIOUS_MANIFEST: FlagDeclaration<string | undefined> = {
  flag: valued(
    {
      name: 'previous-manifest',
      argument: 'FILE',
      help:
        "continue the validators of this manifest (the deployed build's\n" +
        ".cdn-include-manifest.json): building into an empty DIR, no page's\n" +
        'Last-Modified moves backward, and changed bytes get a newer one',
    },
    (given, cwd) => {
      if (given === '') throw new UsageError("option '--previous-manifest' needs a FILE");
      return path.resolve(cwd, given);
    },
  ),
};

/** `--nginx-digests`: also write the nginx include of the digest manifest (README "Mirrors"). */
export const NGINX_DIGESTS: FlagDeclaration<boolean> = {
  flag: switched(
    {
      name: 'nginx-digests',
      help:
        'also write DIR/.well-known/cdn-include/nginx-digests.conf: nginx maps from\n' +
        '$uri to the Repr-Digest and Digest values of every file, so an nginx\n' +
        'mirror of DIR sends the digests cdn-include sends',
    },
    true,
    false,
  ),
};

/** `--jobs N`: render threads; 1 renders in the main thread. */
export const JOBS: FlagDeclaration<number | undefined> = {
  flag: wholeNumberFlag(
    {
      name: 'jobs',
      short: 'j',
      argument: 'N',
      help: 'pages rendered at once on N threads; 1 renders on the main thread\n(default: one per core)',
    },
    { min: 1, max: 256 },
  ),
};

/** Every flag of `build`, in --help order, keyed by the name of its value in BuildOptions. */
export const BUILD_FLAGS = {
  out: OUT,
  ...SITE_FLAGS,
  gitTimes: withNote(
    GIT_TIMES,
    "and the build's clock (DATE_LOCAL, the manifest's builtAt) is HEAD's commit\n" +
      'time while ROOT has no modified or untracked file, so two clones of one\n' +
      'commit build identical files, mtimes and manifest',
  ),
  previousManifest: PREVIOUS_MANIFEST,
  nginxDigests: NGINX_DIGESTS,
  jobs: JOBS,
  ...WATCH_FLAGS,
  watch: withNote(WATCH, 'in build, each change also builds again (incrementally), until Ctrl-C'),
  manifest: NO_MANIFEST,
};

/** What `cdn-include build` was asked to do: each flag's value (undefined: not given) and ROOT. */
export type BuildOptions = WithPurgeTarget<Omit<FlagValues<typeof BUILD_FLAGS>, 'out' | 'manifest'>> & {
  /** The site's folder, absolute. @default the demo site shipped with the package */
  root: string;
  /** The folder the rendered site is written to, absolute; never ROOT itself nor a folder containing it. */
  out: string;
};

const BUILD_HELP = `Usage: cdn-include build [ROOT] --out DIR [options]

Renders every SSI page in ROOT, with its includes expanded, to a static file in DIR and copies
the other files as they are, so the site can be published without an SSI server. Each page's
file gets its mtime set to the page's virtual Last-Modified (the newest file it depends on), so a
static server or object store behind a CDN serves a correct Last-Modified. DIR/.cdn-include-manifest.json
records each page's ETag, Last-Modified and dependencies; run again, only the pages whose
dependencies changed are rendered again. DIR/.well-known/cdn-include/manifest.json lists the
size, SHA-256 and ETag of every file written, for mirrors that copy DIR.

Arguments:
  ROOT                    the site's folder (default: the demo site shipped with cdn-include)

Options:
${flagHelp(BUILD_FLAGS)}
${HELP_FLAG_LINE}

Examples:
  cdn-include build ./public --out ./dist-site
  cdn-include build ./public --out ./dist-site --watch
  cdn-include build ./public --out ./dist-site --git-times --previous-manifest ./deployed-manifest.json
  cdn-include build ./public --out ./dist-site --nginx-digests
`;

/**
 * Turns the arguments after `build` into BuildOptions, a help request, or a usage error. Pure: relative
 * paths are resolved against `cwd`, and no folder is checked.
 * @example
 * parseBuildArguments(['site', '--out', 'out'], '/srv');
 * // → { kind: 'run', options: { root: '/srv/site', out: '/srv/out', ssiExtensions: undefined, … } }
 */
export function parseBuildArguments(args: string[], cwd: string): ArgumentsResult<BuildOptions> {
  return interpretArguments(args, BUILD_FLAGS, cwd, (values, positionals) => {
    const root = siteRoot(positionals, cwd);
    const { out, manifest, ...rest } = values;
    if (out === undefined) throw new UsageError("missing required option '--out DIR'");
    if (isSameOrInside(root, out)) {
      throw new UsageError(`option '--out' must not be ROOT or a folder containing it ('${out}')`);
    }
    return { ...withPurgeTarget(rest), root, out };
  });
}

/** True when `inner` is `outer` or lies below it. */
function isSameOrInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

/** `cdn-include build [ROOT] --out DIR [--ssi-ext .EXT] [--legacy-expr]` */
export const buildCommand: Command = {
  name: 'build',
  help: BUILD_HELP,
  run(args: string[], io: CommandIo): Promise<number> {
    return settleArguments(buildCommand, parseBuildArguments(args, io.cwd), io, async (options) => {
      return whenRootIsUsable('build', options.root, io, () => build(options, io));
    });
  },
};

/** Builds the site, then with --watch again on every change until a stop signal. */
async function build(options: BuildOptions, io: CommandIo): Promise<number> {
  let settings: SiteSettings;
  let watching: WatchSettings;
  try {
    settings = siteSettings(BUILD_FLAGS, options);
    // A config file's `manifest` is serve's: build reads DIR's own.
    watching = watchSettings({ ...settings, manifest: undefined }, io.cwd);
  } catch (err) {
    io.stderr(formatUsageError('build', (err as Error).message));
    return EXIT_USAGE;
  }
  const {
    cacheControl: _pages,
    staticCacheControl: _files,
    watch: _watch,
    purge: _purge,
    manifest: _manifest,
    ...renderSettings
  } = settings;
  let inputs: BuildInputs;
  try {
    inputs = await buildInputs(options);
  } catch (err) {
    io.stderr(formatUsageError('build', (err as Error).message));
    return EXIT_USAGE;
  }
  // Watch mode's builds keep the manifest in memory, so an edit costs the pages it touches, not a manifest read.
  const session: BuildSession = {};
  const pool = renderPool(options, renderSettings, inputs);
  // An output without a manifest gets every page rendered: the render threads start now, while the site is listed.
  if (pool && !existsSync(path.join(options.out, DEFAULT_MANIFEST_NAME))) pool.start();
  // A single build has no more use for its render threads once its last file is written: they stop while this
  // thread writes the manifests and the report (about 40 ms of a cold 10,000-page build).
  const whenFilesDone = watching.watch || !pool ? undefined : () => void pool.close();
  try {
    const code = await buildOnce(options, renderSettings, inputs, pool, io, { session }, whenFilesDone);
    if (!watching.watch) return code;
    return await watchAndBuild(options, renderSettings, inputs, { pool, watching, session }, io);
  } finally {
    await pool?.close();
  }
}

/** The watch mode, loaded only for --watch: a single build needs neither the file watcher nor the purge queue. */
function watchModeModule(): typeof WatchModeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() in a function is a lazy load
  return require('./watch-mode') as typeof WatchModeModule;
}

/** Builds again on every change until a stop signal. */
async function watchAndBuild(
  options: BuildOptions,
  renderSettings: RenderSettings,
  inputs: BuildInputs,
  {
    pool,
    watching,
    session,
  }: { pool: RenderPool | undefined; watching: WatchSettings; session: BuildSession },
  io: CommandIo,
): Promise<number> {
  const { loadManifestInto, startWatchMode } = watchModeModule();
  const graph = new DependencyGraph({ directoryIndex: renderSettings.directoryIndex });
  const manifest = path.join(options.out, DEFAULT_MANIFEST_NAME);
  if (session.manifest) graph.recordManifest(session.manifest.pages);
  else loadManifestInto(graph, manifest);
  io.stdout(`watching ${options.root}; Ctrl-C stops\n`);
  const mode = startWatchMode({
    root: options.root,
    graph,
    purge: watching.purge,
    exclude: [options.out],
    log: (line) => io.stdout(`${line}\n`),
    warn: (line) => io.stderr(`${line}\n`),
    // The incremental build renders exactly the pages whose files changed; their records then update the graph.
    onChanges: async (paths) => {
      const before = session.manifest?.pages ?? {};
      await buildOnce(options, renderSettings, inputs, pool, io, { session, changedPaths: paths });
      if (!session.manifest) {
        const problem = loadManifestInto(graph, manifest);
        if (problem !== undefined) io.stderr(`cdn-include build: ${problem}\n`);
        return;
      }
      // A page found up to date keeps its very record.
      const { pages } = session.manifest;
      const renewed = Object.keys(pages).filter((page) => pages[page] !== before[page]);
      graph.recordManifest(Object.fromEntries(renewed.map((page) => [page, pages[page]])));
    },
  });
  const signal = await io.stopSignal;
  io.stdout(`cdn-include: ${signal} received, stopping\n`);
  await mode.close();
  return EXIT_SUCCESS;
}

/** The site settings that shape the pages. */
type RenderSettings = Omit<SiteSettings, 'cacheControl' | 'staticCacheControl'>;

/**
 * The render threads of `--jobs N` (default: one per core), or undefined to render on the main thread: with
 * --jobs 1, or when running from the TypeScript sources (tests), where no worker can load the compiled entry.
 */
function renderPool(
  options: BuildOptions,
  renderSettings: RenderSettings,
  inputs: BuildInputs,
): RenderPool | undefined {
  const jobs = options.jobs ?? availableParallelism();
  const script = renderWorkerScript();
  if (jobs === 1 || script === undefined) return undefined;
  const { assetHosts, ...render } = renderSettings;
  const settings = { root: options.root, out: options.out, render, assetHosts, gitTimes: inputs.gitTimes };
  return new RenderPool(settings, jobs, script);
}

/** What a build reads besides the docroot: the previous deploy's manifest and, with --git-times, git's times. */
interface BuildInputs {
  previousManifest: string | undefined;
  /** Makes the file source of one build. */
  source: () => FileSource;
  /** The build's clock: HEAD's commit time for a clean checkout with --git-times, else undefined (the real one). */
  now: number | undefined;
  /** With --git-times, the commit times `source` reports, for the render threads to report them too. */
  gitTimes?: GitFileTimes;
}

/** Reads `--previous-manifest` and asks git for its times; a problem is an Error with a one-line message. */
async function buildInputs(options: BuildOptions): Promise<BuildInputs> {
  let previousManifest: string | undefined;
  if (options.previousManifest !== undefined) {
    try {
      previousManifest = readFileSync(options.previousManifest, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Error(`cannot read '--previous-manifest ${options.previousManifest}' (${reason})`, {
        cause: err,
      });
    }
  }
  if (!options.gitTimes)
    return { previousManifest, source: () => new NodeFileSource(options.root), now: undefined };
  const git = await readGitFileTimes(options.root);
  return {
    previousManifest,
    source: () => new GitTimesFileSource(new NodeFileSource(options.root), git.times),
    // A checkout with local changes is no commit's build: its clock stays the real one.
    now: git.changed.length === 0 ? git.headMs : undefined,
    gitTimes: git.times,
  };
}

/**
 * Pages sent to each render thread before its first answer comes back. A thread renders what it holds in one
 * turn and answers it in one message, then waits for the next batch: 8 left the threads idle a third of the
 * time (cold 10,000-page build: 3.46-4.17 s with 8, 3.12-3.99 s with 32, same rounds).
 */
const PAGES_IN_FLIGHT_PER_THREAD = 32;

/** A build's onProgress: draws `bar`, and calls `whenFilesDone` once the last file is rendered, copied or kept. */
export function buildProgress(
  bar: ProgressBar | undefined,
  whenFilesDone: (() => void) | undefined,
): (done: number, total: number) => void {
  return (done, total) => {
    bar?.update(done, total);
    if (done === total) whenFilesDone?.();
  };
}

/** One (incremental) build; prints one line per rendered page and a summary on stdout, problems on stderr. */
async function buildOnce(
  options: BuildOptions,
  renderSettings: RenderSettings,
  inputs: BuildInputs,
  pool: RenderPool | undefined,
  io: CommandIo,
  incremental: Pick<SiteBuildOptions, 'session' | 'changedPaths'>,
  whenFilesDone?: () => void,
): Promise<number> {
  let report: BuildReport;
  // Only a terminal gets a bar: in a pipe or a log file the carriage returns would be noise.
  const bar =
    io.stderrColumns === undefined
      ? undefined
      : createProgressBar({ write: io.stderr, columns: io.stderrColumns, label: 'files' });
  // The render threads must date pages as this thread does, so both clocks are fixed here, not defaulted.
  const stampTime = Date.now();
  const clock = { now: inputs.now ?? stampTime, stampTime };
  try {
    report = await buildSite({
      ...renderSettings,
      source: inputs.source(),
      previousManifest: inputs.previousManifest,
      now: clock.now,
      // A page stamped because its bytes changed must get a date later than any sent before: the real clock.
      stampTime,
      // The output folder may sit inside ROOT; it must never be built into itself.
      lister: new NodeSiteLister(options.root, { exclude: [options.out] }),
      output: new NodeOutputFs(options.out),
      nginxDigests: options.nginxDigests,
      generator: `cdn-include ${readPackageVersion()}`,
      onProgress: buildProgress(bar, whenFilesDone),
      // Enough pages in flight to keep every render thread busy while this one decides what is stale.
      ...(pool
        ? { pageWriter: pool.writer(clock), concurrency: PAGES_IN_FLIGHT_PER_THREAD * pool.size }
        : {}),
      ...incremental,
    });
  } catch (err) {
    bar?.finish();
    io.stderr(`cdn-include build: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  bar?.finish();
  writeLines(
    io.stdout,
    report.pages
      .filter((entry) => entry.rendered)
      .map((page) => `rendered ${page.path}  ${page.etag}  ${page.lastModified}\n`),
  );
  for (const { diagnostic } of report.diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
  for (const warning of report.warnings)
    io.stderr(`warning ${warning.code}${warning.path ? ` ${warning.path}` : ''}: ${warning.message}\n`);
  for (const failure of report.failures) io.stderr(`failed ${failure.path}: ${failure.message}\n`);
  io.stdout(`${summarizeBuild(report)}\n`);
  return report.failures.length > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
