// `cdn-include serve`: parses its arguments, starts the server on the docroot, logs, and stops on a signal.

import type { RequestListener, Server } from 'node:http';
import path from 'node:path';
import { formatDiagnostic } from '../engine/diagnostics';
import { DependencyGraph } from '../engine/dependency-graph';
import { DEFAULT_MIRROR_CHECK_INTERVAL, type MirrorConfig } from '../mirrors/mirror-config';
import type { MirrorChange } from '../mirrors/mirror-directory';
import { MirrorProber } from '../mirrors/mirror-prober';
import { openGeoDatabase } from '../mirrors/geo-database';
import { systemHostLookup, type HostLookup } from '../mirrors/mirror-addresses';
import { firstGeoLookup, geoNetworkTable, type GeoLookup, type GeoSettings } from '../mirrors/geo-lookup';
import { createApp } from '../server/app';
import { type OffloadConfig, withOwnHosts } from '../server/offload-config';
import { escapeLogItem } from '../server/log-escape';
import { lineFormatter, type AccessLogRecord } from '../server/access-log';
import { clientErrorListener } from '../server/client-errors';
import { createLimitedServer, type ConnectionLimits } from '../server/connection-limits';
import { LiveReload } from '../server/live-reload';
import { ASSET_HOSTS_DEPENDENCY } from '../asset-hosts/page-assets';
import { batchedOutput } from './batched-output';
import { isClusterWorker, leaveCluster, reportListening, runWorkers } from './cluster';
import { siteSettings, type SiteSettings } from './config-file';
import { EXIT_FAILURE, EXIT_SUCCESS, EXIT_USAGE, type Command, type CommandIo } from './command';
import { CONNECTION_FLAGS, connectionSettings } from './connection-arguments';
import { flagHelp, HELP_FLAG_LINE, interpretArguments, withNote, type FlagValues } from './flags';
import { readGitFileTimes } from './git-file-times';
import { readOpenFileLimit } from './open-file-limit';
import { readPackageVersion } from './package-paths';
import { defaultStateFolder, openLedgerStore, STATE } from './ledger-store-argument';
import { GitTimesFileSource } from '../engine/git-times-file-source';
import { NodeFileSource } from '../engine/node-file-source';
import { RedisLedgerStore } from '../engine/redis-ledger-store';
import type { LedgerStore } from '../engine/validator-ledger';
import {
  DEFAULT_REVALIDATE_WINDOW,
  HOST,
  LIVE_RELOAD,
  LOG_FORMAT,
  PORT,
  QUIET,
  SERVE_OWN_FLAGS,
  TRUST_PROXY,
} from './serve-options';
import { GIT_TIMES, SITE_FLAGS, siteRoot, whenRootIsUsable } from './site-arguments';
import { UsageError, formatUsageError, settleArguments, type ArgumentsResult } from './usage';
import {
  MANIFEST,
  WATCH,
  WATCH_FLAGS,
  withPurgeTarget,
  watchSettings,
  type WithPurgeTarget,
} from './watch-arguments';
import type { WatchSettings } from './settings';
import { listenAddress, type ListenAddress } from './listen-address';
import { DEFAULT_SHUTDOWN_TIMEOUT, OPERATIONS_FLAGS } from './operations-arguments';
import { ServeOperations, stopServing, warnShadowedDocroot } from './serve-operations';
import { loadManifestInto, startWatchMode, type WatchMode } from './watch-mode';
import { watchStatusReporter } from './watch-status';
import { TEST_BURN_VARIABLE, withTestBurn } from './test-burn';

/** Every flag of `serve`, in --help order, keyed by the name of its value in ServeOptions. */
export const SERVE_FLAGS = {
  port: PORT,
  host: HOST,
  ...SITE_FLAGS,
  ...SERVE_OWN_FLAGS,
  state: STATE,
  gitTimes: withNote(
    GIT_TIMES,
    '(read once at start; a file edited since shows its own mtime). Static files\n' +
      'are then read whole, never streamed, so each gets its commit time',
  ),
  ...CONNECTION_FLAGS,
  ...OPERATIONS_FLAGS,
  ...WATCH_FLAGS,
  watch: withNote(WATCH, '(cached responses resting on a changed file are dropped at once either way)'),
  manifest: MANIFEST,
  liveReload: LIVE_RELOAD,
  accessLog: QUIET,
  logFormat: LOG_FORMAT,
  trustProxy: TRUST_PROXY,
};

/** What `cdn-include serve` was asked to do: each flag's value (undefined: not given) and ROOT. */
export type ServeOptions = WithPurgeTarget<Omit<FlagValues<typeof SERVE_FLAGS>, 'port' | 'host'>> &
  ListenAddress & {
    /** The site's folder, absolute. @default the demo site shipped with the package */
    root: string;
  };

const SERVE_HELP = `Usage: cdn-include serve [ROOT] [options]

Serves the SSI site in ROOT over HTTP. Every page is expanded with its includes, and each
response carries a Last-Modified (the newest file the page depends on), a strong ETag of its
bytes and an explicit Cache-Control; If-None-Match and If-Modified-Since are answered with 304,
If-Match and If-Unmodified-Since with 412 (RFC 9110), so a CDN can revalidate pages cheaply.

Arguments:
  ROOT                    the site's folder (default: the demo site shipped with cdn-include)

Options:
${flagHelp(SERVE_FLAGS)}
${HELP_FLAG_LINE}

ROOT may be a symlink (current -> releases/N): a switch or rollback is served at the next request.
SIGHUP resolves ROOT again, drops every cache and re-reads --config; a bad config file is logged
and the running configuration kept. SIGTERM or Ctrl-C (SIGINT) stops accepting connections,
lets the requests under way finish for --shutdown-timeout, then exits. PORT and HOST in the
environment stand in for --port and --host; /_cdn-include/health and /_cdn-include/metrics
answer a load balancer and Prometheus.

Examples:
  cdn-include serve
  cdn-include serve ./public --port 3000 --cache-control 'public, max-age=0, s-maxage=300'
  cdn-include serve ./public --watch --purge-url http://127.0.0.1:6081/ --purge-method BAN \\
    --purge-tag-header Surrogate-Key
`;

/**
 * Turns the arguments after `serve` into ServeOptions, a help request, or a usage error. Pure: a relative
 * ROOT is resolved against `cwd`, `PORT`/`HOST` are read from `env` when their flags are absent, and whether
 * the folder exists is not checked.
 * @example
 * parseServeArguments(['site', '--port', '0'], '/srv');
 * // → { kind: 'run', options: { root: '/srv/site', port: 0, host: '127.0.0.1', … } }
 */
export function parseServeArguments(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): ArgumentsResult<ServeOptions> {
  return interpretArguments(args, SERVE_FLAGS, cwd, (values, positionals) => {
    return { ...withPurgeTarget(values), ...listenAddress(values, env), root: siteRoot(positionals, cwd) };
  });
}

/** The settings `serve` runs with: its flags over the config file. Throws a UsageError for a bad config file. */
function serveSettings(options: ServeOptions) {
  return siteSettings(SERVE_FLAGS, options);
}

/** `cdn-include serve [ROOT] [--port N] [--host A] [--ssi-ext .EXT] [--legacy-expr] [--cache-control V]` */
export const serveCommand: Command = {
  name: 'serve',
  help: SERVE_HELP,
  run(args: string[], io: CommandIo): Promise<number> {
    return settleArguments(serveCommand, parseServeArguments(args, io.cwd, io.env), io, async (options) => {
      return whenRootIsUsable('serve', options.root, io, () => serve(options, io));
    });
  },
};

/**
 * Runs the server until SIGINT/SIGTERM; one access-log line per request on stdout (written once per turn of the
 * event loop, every line out before it returns), diagnostics on stderr.
 */
async function serve(options: ServeOptions, given: CommandIo): Promise<number> {
  const output = batchedOutput(given.stdout);
  try {
    return await serveUntilStopped(options, withStdout(given, output.write));
  } finally {
    output.flush();
  }
}

/** `io` writing its standard output through `stdout`; the stop signal is still read only when asked for. */
function withStdout(io: CommandIo, stdout: (text: string) => void): CommandIo {
  return {
    stdout,
    stderr: io.stderr,
    stderrColumns: io.stderrColumns,
    env: io.env,
    cwd: io.cwd,
    get stopSignal() {
      return io.stopSignal;
    },
    onReload: io.onReload,
  };
}

async function serveUntilStopped(options: ServeOptions, io: CommandIo): Promise<number> {
  let app: ServeApp;
  let watching: WatchSettings;
  let graph: DependencyGraph | undefined;
  let limits: ConnectionLimits;
  let revalidateWindow: number | undefined;
  let maxTagHeaderBytes: number | undefined;
  let shutdownTimeout: number;
  let operations: ServeOperations;
  // The watch mode starts once the server listens; the metrics read its purge queue from then on.
  let watchMode: WatchMode | undefined = undefined;
  try {
    const settings = serveSettings(options);
    const workerCount = settings.workers ?? 1;
    watching = watchSettings(settings, io.cwd);
    const connections = connectionSettings(options, settings, readOpenFileLimit());
    limits = connections.limits;
    // Every worker has the same limits: the primary warns once for all.
    if (connections.warning !== undefined && !isClusterWorker())
      io.stderr(`cdn-include serve: ${connections.warning}\n`);
    // Each worker would watch and purge on its own: one change, N purges of every page.
    if (watching.watch && workerCount > 1)
      throw new UsageError("'--watch' needs a single process ('--workers 1')");
    shutdownTimeout = settings.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT;
    // Pages reload on the watcher's change batches: without it nothing would ever tell them.
    if (options.liveReload && !watching.watch) throw new UsageError("'--live-reload' needs '--watch'");
    if (workerCount > 1 && !isClusterWorker())
      return runWorkers(workerCount, options.root, io, shutdownTimeout);
    graph = watching.watch ? new DependencyGraph({ directoryIndex: settings.directoryIndex }) : undefined;
    revalidateWindow = settings.revalidateWindow ?? DEFAULT_REVALIDATE_WINDOW;
    maxTagHeaderBytes = settings.maxTagHeaderBytes;
    operations = new ServeOperations(
      settings.metrics ?? true,
      () => watchMode?.pendingPurges() ?? 0,
      settings.load,
      workerCount,
    );
    // A `load` key alone runs the signal, for health and metrics; otherwise it starts with what acts on it.
    operations.loadSignal(settings.load !== undefined);
    if (!isClusterWorker())
      warnShadowedDocroot(
        options.root,
        { health: settings.health ?? true, metrics: settings.metrics ?? true },
        io,
      );
    const docroot = options.gitTimes ? await gitTimesDocroot(options.root) : undefined;
    // One ledger for the life of the process: a reload with new settings keeps what was sent.
    const store = openLedgerStore(options.state ?? defaultStateFolder(options.root, io.env));
    // A fleet's shared ledger: the first requests are dated with it when it answers within a second.
    if (store instanceof RedisLedgerStore && !(await store.whenConnected(1000)))
      io.stderr(
        `cdn-include serve: ${options.state} does not answer yet; dating by file times until it does\n`,
      );
    const liveReload = options.liveReload ? new LiveReload() : undefined;
    app = createServeApp(options, io, graph, {
      ...docroot,
      store,
      liveReload,
      operations,
      onMirrorChange: (change) => watchMode?.purgeMirrorLinks(change.paths),
      onAssetHostsChange: () => watchMode?.purgeChanged([ASSET_HOSTS_DEPENDENCY]),
    });
  } catch (err) {
    // A bad config file or option value: one line, like any usage error.
    io.stderr(formatUsageError('serve', (err as Error).message));
    return EXIT_USAGE;
  }
  // A failure after the headers went out (an I/O error, a file that changed while it was streamed) reaches Koa's
  // 'error' event instead of onError: logged as one line, never silently. A client that hung up mid-body is no
  // failure of ours. Koa reports a failed body stream twice (its own listener and the pipeline's): one line is enough.
  const logged = new WeakSet<Error>();
  app.on('error', (err: NodeJS.ErrnoException, ctx?: { method: string; url: string }) => {
    if (CLIENT_GONE.has(err.code ?? '') || logged.has(err)) return;
    logged.add(err);
    io.stderr(`cdn-include serve: ${ctx ? `${requestLabel(ctx)}: ` : ''}${messageOf(err)}\n`);
  });
  // The handler is looked up per request, so a reload (SIGHUP) can put a new app in place between two requests.
  let handle = app.callback();
  const serveRequest: RequestListener = (req, res) => handle(req, res);
  // Off unless the environment turns it on for a load test (README "Under load"): read once, here.
  const listener = operations.tracker.track(
    io.env[TEST_BURN_VARIABLE] === '1' ? withTestBurn(serveRequest) : serveRequest,
  );
  const server = createLimitedServer(listener, limits);
  operations.serveOn(server);
  server.on(
    'clientError',
    clientErrorListener({
      responseOn: (socket) => operations.tracker.responseOn(socket),
      log: (record) => app.logRefused?.(record),
    }),
  );
  server.listen({ port: options.port, host: options.host });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    io.stderr(
      `cdn-include serve: cannot listen on ${options.host}:${options.port}: ${(err as Error).message}\n`,
    );
    return EXIT_FAILURE;
  }
  // Before the server says it listens, so a SIGHUP that follows never finds it without a handler.
  const stopReloading = io.onReload?.(() => {
    app = reloadServeApp(options, io, graph, app);
    handle = app.callback();
  });
  if (isClusterWorker()) reportListening(listeningUrl(server, options.host));
  else io.stdout(`cdn-include serving ${options.root} at ${listeningUrl(server, options.host)}\n`);
  watchMode =
    graph &&
    startWatching(options.root, watching, graph, () => app, io, {
      revalidateWindow: revalidateWindow ?? DEFAULT_REVALIDATE_WINDOW,
      maxTagHeaderBytes,
    });
  const signal = await io.stopSignal;
  stopReloading?.();
  io.stdout(`cdn-include: ${signal} received, stopping\n`);
  // Open event feeds would hold the server's close until its deadline.
  app.shared.liveReload?.close();
  // The server first: requests under way finish with the caches and watcher they started with.
  await stopServing(server, operations.tracker, shutdownTimeout, io);
  await watchMode?.close();
  operations.stopLoadSignal();
  await app.mirrorProber?.stop();
  app.ssi.close();
  await app.shared.store.close();
  leaveCluster();
  return EXIT_SUCCESS;
}

/** The docroot with git's commit times (`--git-times`); no git work tree or no git throws a one-line Error. */
async function gitTimesDocroot(root: string): Promise<{ source: GitTimesFileSource; documentRoot: string }> {
  const inner = new NodeFileSource(root);
  const git = await readGitFileTimes(root);
  // DOCUMENT_ROOT names the real folder, as it does without the wrapper.
  return { source: new GitTimesFileSource(inner, git.times), documentRoot: inner.root };
}

/**
 * What every app of the process shares across reloads: the validator ledger's store, and the docroot when served
 * through another file source than the folder's own (`--git-times`: git's times are read once, at start).
 */
type ServeShared = {
  store: LedgerStore;
  source?: GitTimesFileSource;
  documentRoot?: string;
  operations: ServeOperations;
  /** `--live-reload`: the pages listening outlive a reload's new app. */
  liveReload?: LiveReload;
  /** Told each change of the mirrors' eligibility (the watch mode purges the responses whose links changed). */
  onMirrorChange?: (change: MirrorChange) => void;
  /** Told when a reload changed the asset hosts (the watch mode purges the pages they rewrote). */
  onAssetHostsChange?: () => void;
};

/** The running app, with the settings it was made from (as JSON), to tell whether a reload changed them. */
type ServeApp = ReturnType<typeof createApp> & {
  settingsText: string;
  /** Probes the config file's mirrors; none without mirrors. Stopped with the app it serves. */
  mirrorProber: MirrorProber | undefined;
  shared: ServeShared;
  logRefused: ((record: AccessLogRecord) => void) | undefined;
};

/** The app `serve` runs for the current config file and flags; throws on a bad config file or value. */
function createServeApp(
  options: ServeOptions,
  io: CommandIo,
  graph: DependencyGraph | undefined,
  shared: ServeShared,
): ServeApp {
  const all = appSettings(options);
  const { accessLog, revalidateWindow, health, metrics, mirrors, mirrorCheckInterval, ...rest } = all;
  const { geoNetworks, geoDatabase, ...settings } = rest;
  const { store, liveReload, operations, onMirrorChange, ...docroot } = shared;
  // Before the prober: an unreadable database leaves nothing running behind.
  const geo = geoLookupFor({ geoNetworks, geoDatabase }, io.cwd);
  // Host names are resolved only where a redirect asks whether a client is a mirror.
  const lookupHost = settings.mirrorRedirect && systemHostLookup;
  const mirrorProber = mirrorProberFor(mirrors, mirrorCheckInterval, io, lookupHost);
  if (onMirrorChange) mirrorProber?.onChange(onMirrorChange);
  const record = graph && graph.record.bind(graph);
  const writeLine = (accessLog ?? true) ? (line: string) => io.stdout(`${line}\n`) : undefined;
  const format = lineFormatter(settings.logFormat);
  const app = createApp({
    ...settings,
    root: options.root,
    ...docroot,
    validatorStore: store,
    liveReload,
    onValidatorStoreError: (err) =>
      io.stderr(
        `cdn-include serve: validator state unavailable, dating by file times until it is back: ${err.message}\n`,
      ),
    ...fileWatching(revalidateWindow, docroot, io, operations),
    operations: operations.endpoints(health ?? true, settings.offload !== undefined),
    offload: settings.offload && withMirrorHosts(settings.offload, mirrors),
    accessLog: writeLine,
    onError: (err, ctx) =>
      io.stderr(`cdn-include serve: ${requestLabel(ctx)} answered 500: ${stackOf(err)}\n`),
    onDiagnostic: (diagnostic, ctx) => io.stderr(`${formatDiagnostic(diagnostic)} [${requestLabel(ctx)}]\n`),
    onPageBuilt: record && ((built) => record(built.url, built.path, built.dependencies)),
    mirrorDirectory: mirrorProber,
    geo,
    loadSignal: operations.loadSignal(needsLoadSignal(settings)),
  });
  // Once the app exists: a config the app refuses leaves no prober behind.
  mirrorProber?.start();
  // For the requests Node refuses before the app sees them, logged in the same log.
  const logRefused = writeLine && ((record: AccessLogRecord) => writeLine(format(record)));
  return Object.assign(app, { settingsText: JSON.stringify(all), shared, logRefused, mirrorProber });
}

/**
 * The prober of the config file's mirrors (README "Mirrors"), not yet started, logging each mirror that is left
 * out or comes back; undefined without mirrors, so a site without them runs no timer and no probe.
 */
function mirrorProberFor(
  mirrors: readonly MirrorConfig[] | undefined,
  intervalSeconds: number | undefined,
  io: CommandIo,
  lookupHost: HostLookup | undefined,
): MirrorProber | undefined {
  if (mirrors === undefined || mirrors.length === 0) return undefined;
  const prober = new MirrorProber({
    mirrors,
    intervalMs: (intervalSeconds ?? DEFAULT_MIRROR_CHECK_INTERVAL) * 1000,
    userAgent: `cdn-include-mirror-check/${readPackageVersion()}`,
    lookupHost,
    onListenerError: (err) =>
      io.stderr(`cdn-include serve: mirror change listener failed: ${messageOf(err)}\n`),
  });
  prober.onChange((change) => {
    if (change.kind === 'excluded')
      io.stderr(`cdn-include serve: mirror ${change.mirror} left out: ${change.reason ?? 'unknown'}\n`);
    else if (change.kind === 'restored')
      io.stdout(`cdn-include: mirror ${change.mirror} passes its checks\n`);
  });
  return prober;
}

/**
 * Where a redirected client's country is looked up: the static table first, then the MaxMind DB (read now, whole);
 * undefined with neither. Throws an Error naming the database when it cannot be read.
 */
function geoLookupFor(settings: Partial<GeoSettings>, cwd: string): GeoLookup | undefined {
  const { geoNetworks, geoDatabase } = settings;
  return firstGeoLookup([
    geoNetworks && geoNetworkTable(geoNetworks),
    geoDatabase === undefined ? undefined : openGeoDatabase(path.resolve(cwd, geoDatabase)),
  ]);
}

/**
 * Notifications keep the caches current; the revalidation window is the fallback where they are unavailable, and
 * runs beside them when the operator gave one. A `--git-times` docroot watches the folder it wraps.
 */
function fileWatching(
  given: number | undefined,
  docroot: { documentRoot?: string } | undefined,
  io: CommandIo,
  operations: ServeOperations,
) {
  const revalidateWindow = given ?? DEFAULT_REVALIDATE_WINDOW;
  return {
    revalidateWindow,
    revalidateWhileWatching: given !== undefined,
    watchRoot: docroot?.documentRoot,
    onWatchStatus: operations.watchStatus(watchStatusReporter(io, revalidateWindow)),
  };
}

/**
 * Whether the settings have a step that reads the load signal: any `offload` (its rule may shed, and its loop rules
 * read the level), or a mirror redirect `when` "overloaded". The signal is the process's: once started, every app
 * after a reload reads it.
 */
function needsLoadSignal(settings: Pick<SiteSettings, 'mirrorRedirect' | 'offload'>): boolean {
  return settings.offload !== undefined || settings.mirrorRedirect?.when === 'overloaded';
}

/**
 * The offload setting with the configured mirrors' hosts among our own: a request that reached us under a mirror's
 * name is never sent to the CDN (README "Under load", loop guard (b)).
 */
function withMirrorHosts(
  offload: OffloadConfig,
  mirrors: readonly MirrorConfig[] | undefined,
): OffloadConfig {
  return withOwnHosts(offload, mirrors?.map((mirror) => mirror.url) ?? []);
}

/**
 * The settings of the app itself: what a reload may change (not the port, workers, limits, watching or the load
 * signal's settings).
 */
function appSettings(options: ServeOptions) {
  const { workers, watch, purge, manifest, load, ...rest } = serveSettings(options);
  const { maxConnections, headersTimeout, requestTimeout, keepAliveTimeout, shutdownTimeout, ...settings } =
    rest;
  return settings;
}

/**
 * SIGHUP: reads the config file again and resolves the docroot again, with every cache dropped. Unchanged
 * settings keep the running app (and the validators it remembers); changed ones start a new app. A bad config
 * file is one line on stderr and the running app goes on with its settings (its docroot still re-resolved).
 */
function reloadServeApp(
  options: ServeOptions,
  io: CommandIo,
  graph: DependencyGraph | undefined,
  running: ServeApp,
): ServeApp {
  let text: string;
  try {
    text = JSON.stringify(appSettings(options));
  } catch (err) {
    io.stderr(`cdn-include serve: reload kept the running configuration: ${(err as Error).message}\n`);
    running.ssi.reload();
    return running;
  }
  if (text === running.settingsText) {
    running.ssi.reload();
    io.stdout(`cdn-include: SIGHUP received, docroot resolved again and caches dropped\n`);
    return running;
  }
  try {
    const app = createServeApp(options, io, graph, running.shared);
    running.ssi.close();
    // The pages the old configuration rewrote (the new one renders afresh: the new app starts with empty caches).
    if (assetHostsText(app.settingsText) !== assetHostsText(running.settingsText))
      running.shared.onAssetHostsChange?.();
    // Its last requests are aborted; nothing waits on them.
    void running.mirrorProber?.stop();
    io.stdout(`cdn-include: SIGHUP received, configuration read again and caches dropped\n`);
    return app;
  } catch (err) {
    io.stderr(`cdn-include serve: reload kept the running configuration: ${(err as Error).message}\n`);
    running.ssi.reload();
    return running;
  }
}

/** The asset-hosts part of an app's settings text, to tell whether a reload changed it. */
function assetHostsText(settingsText: string): string {
  return JSON.stringify((JSON.parse(settingsText) as { assetHosts?: unknown }).assetHosts ?? null);
}

/** Error codes of a response whose client went away before it was sent in full. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * Seeds the graph from the manifest, then drops cached responses and purges as files change. Should watching
 * fail, the watcher scans the files instead, and the render cache re-checks every response's files once its
 * revalidation window has passed, as it always does: a change is never served late by more than that window.
 */
function startWatching(
  root: string,
  watching: WatchSettings,
  graph: DependencyGraph,
  current: () => ServeApp,
  io: CommandIo,
  site: { revalidateWindow: number; maxTagHeaderBytes: number | undefined },
): WatchMode {
  const problem = watching.manifest === undefined ? undefined : loadManifestInto(graph, watching.manifest);
  if (problem !== undefined) io.stderr(`cdn-include serve: ${problem}\n`);
  const purging = watching.purge
    ? `; purging affected pages with ${watching.purge.method} ${watching.purge.url}`
    : '';
  io.stdout(`watching ${root}${purging}\n`);
  return startWatchMode({
    root,
    graph,
    purge: watching.purge,
    log: (line) => io.stdout(`${line}\n`),
    warn: (line) => io.stderr(`${line}\n`),
    // Cached responses are dropped before any open page is told to reload, so the reload gets the new bytes.
    onChanges: (paths) => {
      const { ssi, shared } = current();
      ssi.invalidate(paths);
      shared.liveReload?.notify(paths);
    },
    maxTagHeaderBytes: site.maxTagHeaderBytes,
    fallbackNote: ` (cached responses are re-checked against their files after ${site.revalidateWindow} ms, as --revalidate-window says)`,
  });
}

/** The request a stderr line is about, escaped like the access log's request line. */
function requestLabel(ctx: { method: string; url: string }): string {
  return escapeLogItem(`${ctx.method} ${ctx.url}`);
}

/** An unexpected error as logged once: its stack, then each `cause` it wraps with its own stack. */
function stackOf(err: unknown): string {
  return causeChain(err).map(stackText).join('\n  [cause] ');
}

/** One line for an error whose response was already under way: its message and its causes' messages. */
function messageOf(err: unknown): string {
  const messages = causeChain(err).map(messageText);
  return messages.join(' (cause: ') + ')'.repeat(messages.length - 1);
}

// Duck-typed: an error from another realm (a vm context, jest's sandbox) is no `instanceof Error` here.
function stackText(err: unknown): string {
  const stack = typeof err === 'object' && err !== null && 'stack' in err ? err.stack : undefined;
  return typeof stack === 'string' ? stack : String(err);
}

function messageText(err: unknown): string {
  const message = typeof err === 'object' && err !== null && 'message' in err ? err.message : undefined;
  return typeof message === 'string' ? message : String(err);
}

// A few levels are enough to name the root; a cause that wraps itself must not loop.
const MAX_CAUSES = 5;

/** `err`, then its `cause`, that one's `cause`, … (ES2022 Error cause). */
function causeChain(err: unknown): unknown[] {
  const chain = [err];
  let current = err;
  while (
    chain.length <= MAX_CAUSES &&
    typeof current === 'object' &&
    current !== null &&
    'cause' in current
  ) {
    current = current.cause;
    if (current === undefined || chain.includes(current)) break;
    chain.push(current);
  }
  return chain;
}

function listeningUrl(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}
