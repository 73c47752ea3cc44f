// `cdn-include serve`: parses its arguments, starts the server on the docroot, logs, and stops on a signal.

import type { Server } from 'node:http';
import { formatDiagnostic } from '../engine/diagnostics';
import { DependencyGraph } from '../engine/dependency-graph';
import { createApp } from '../server/app';
import { escapeLogItem } from '../server/log-escape';
import { createLimitedServer, type ConnectionLimits } from '../server/connection-limits';
import type { SsiMiddleware } from '../server/ssi-middleware';
import { isClusterWorker, leaveCluster, reportListening, runWorkers } from './cluster';
import { siteSettings } from './config-file';
import { EXIT_FAILURE, EXIT_SUCCESS, EXIT_USAGE, type Command, type CommandIo } from './command';
import {
  CONNECTION_OPTIONS,
  CONNECTION_OPTIONS_HELP,
  connectionSettings,
  parseConnectionArguments,
  type ConnectionArguments,
} from './connection-arguments';
import { GIT_TIMES_HELP, readGitFileTimes } from './git-file-times';
import { readOpenFileLimit } from './open-file-limit';
import {
  defaultStateFolder,
  openLedgerStore,
  parseStateArgument,
  STATE_OPTIONS,
  STATE_OPTIONS_HELP,
} from './ledger-store-argument';
import { GitTimesFileSource } from '../engine/git-times-file-source';
import { NodeFileSource } from '../engine/node-file-source';
import { RedisLedgerStore } from '../engine/redis-ledger-store';
import type { LedgerStore } from '../engine/validator-ledger';
import {
  SITE_OPTIONS,
  SITE_OPTIONS_HELP,
  parseSiteArguments,
  whenRootIsUsable,
  type SiteArguments,
} from './site-arguments';
import {
  UsageError,
  formatUsageError,
  interpretArguments,
  parseIntegerOption,
  settleArguments,
} from './usage';
import type { ArgumentsResult } from './usage';
import {
  parseWatchArguments,
  WATCH_OPTIONS,
  WATCH_OPTIONS_HELP,
  watchSettings,
  type WatchArguments,
  type WatchSettings,
} from './watch-arguments';
import { loadManifestInto, startWatchMode, type WatchMode } from './watch-mode';
import { watchStatusReporter } from './watch-status';
import { isToken } from '../fields/http-fields';

/** The port `serve` listens on when none is given. */
export const DEFAULT_PORT = 8080;

/** The address `serve` listens on when none is given: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

/**
 * How long `serve` sends a cached response without re-checking its files, in ms, where file change notifications
 * are unavailable (NFS, the inotify watch limit): the staleness bound there. Checking every file on every request
 * costs more than half the throughput (README, Performance); one second does not. Given explicitly
 * (`--revalidate-window`, the config key), the check also runs while notifications work.
 */
export const DEFAULT_REVALIDATE_WINDOW = 1000;

/** What `cdn-include serve` was asked to do. */
export interface ServeOptions extends SiteArguments, WatchArguments, ConnectionArguments {
  /** TCP port; 0 picks a free one. @default 8080 */
  port: number;
  /** Address to listen on. @default '127.0.0.1' */
  host: string;
  /** Cache-Control for expanded pages; undefined leaves the server's policy default (`public, max-age=0`). */
  cacheControl: string | undefined;
  /** Worker processes; undefined leaves the config file's or 1. @default 1 */
  workers: number | undefined;
  /** Negotiate gzip and brotli (`--compress`); undefined leaves the config file's or off. @default false */
  compression: boolean | undefined;
  /** False for `--no-cache`; undefined leaves the config file's or on. @default true */
  cache: boolean | undefined;
  /** Bytes of built responses kept (`--cache-size MB`). @default 64 MiB */
  cacheSize: number | undefined;
  /**
   * `--revalidate-window MS`: how long a cached response goes without re-checking its files where notifications
   * are unavailable; given, also while they work. @default 1000, notifications only
   */
  revalidateWindow: number | undefined;
  /** False for `--quiet`: no access log. @default true */
  accessLog: boolean | undefined;
  /** False for `--no-purge-tags`: no Surrogate-Key / Cache-Tag. @default true */
  purgeTags: boolean | undefined;
  /** `--surrogate-key-header NAME` (`none`: not sent). @default 'Surrogate-Key' */
  surrogateKeyHeader: string | false | undefined;
  /** `--cache-tag-header NAME` (`none`: not sent). @default 'Cache-Tag' */
  cacheTagHeader: string | false | undefined;
  /** `--git-times`: clean tracked files take the time of their last commit. @default false */
  gitTimes: boolean;
  /** `--state`: a folder or redis:// URL for the validator ledger; undefined for the default folder. */
  state: string | undefined;
}

const SERVE_OPTIONS = {
  ...SITE_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  'cache-control': { type: 'string' },
  workers: { type: 'string' },
  compress: { type: 'boolean' },
  'no-cache': { type: 'boolean' },
  'cache-size': { type: 'string' },
  'revalidate-window': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'no-purge-tags': { type: 'boolean' },
  'surrogate-key-header': { type: 'string' },
  'cache-tag-header': { type: 'string' },
  'git-times': { type: 'boolean' },
  ...STATE_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...WATCH_OPTIONS,
} as const;

const SERVE_HELP = `Usage: cdn-include serve [ROOT] [options]

Serves the SSI site in ROOT over HTTP. Every page is expanded with its includes, and each
response carries a Last-Modified (the newest file the page depends on), a strong ETag of its
bytes and an explicit Cache-Control; If-None-Match and If-Modified-Since are answered with 304,
If-Match and If-Unmodified-Since with 412 (RFC 9110), so a CDN can revalidate pages cheaply.

Arguments:
  ROOT                    the site's folder (default: the demo site shipped with cdn-include)

Options:
  --port N                TCP port to listen on, 0 for any free port (default: ${DEFAULT_PORT})
  --host ADDRESS          address to listen on (default: ${DEFAULT_HOST}; 0.0.0.0 for every interface)
${SITE_OPTIONS_HELP}
  --cache-control VALUE   Cache-Control sent with expanded pages (default: public, max-age=0)
  --workers N             worker processes sharing the port, one per core you give it (default: 1)
  --compress              send gzip or brotli to clients that accept it, for text-like responses of
                          1 KB or more; every such response then carries Vary: Accept-Encoding (default: off)
  --no-cache              render every request again (default: built responses are kept in memory;
                          file bytes and parsed fragments are cached either way)
  --cache-size MB         memory for built responses, compressed copies, URLs and the header values
                          they vary on included (default: 64)
  --revalidate-window MS  re-check a cached response's files at most every MS milliseconds (0: on every
                          request). Without it, changes are learnt from the kernel's file notifications
                          and drop cached responses at once; only where notifications are unavailable
                          (NFS, SMB, FUSE, the inotify watch limit; logged once) are files re-checked,
                          every ${DEFAULT_REVALIDATE_WINDOW} ms. Given, the check runs beside the notifications
  --no-purge-tags         send no purge tags (default: every response carries Surrogate-Key and
                          Cache-Tag, one tag per file it rests on; see cdn-include tag --help)
  --surrogate-key-header NAME
                          header of the space-separated tags; none sends none (default: Surrogate-Key)
  --cache-tag-header NAME header of the comma-separated tags; none sends none (default: Cache-Tag)
${STATE_OPTIONS_HELP}
${GIT_TIMES_HELP}
                          (read once at start; a file edited since shows its own mtime). Static files
                          are then read whole, never streamed, so each gets its commit time
${CONNECTION_OPTIONS_HELP}
${WATCH_OPTIONS_HELP}
                          (cached responses resting on a changed file are dropped at once either way)
  --manifest FILE         with --watch, also count the pages of this build manifest as rendered
  -q, --quiet             no access log
  -h, --help              show this help

ROOT may be a symlink (current -> releases/N): a switch or rollback is served at the next request.
SIGHUP resolves ROOT again, drops every cache and re-reads --config; a bad config file is logged
and the running configuration kept. Stops on Ctrl-C (SIGINT) or SIGTERM.

Examples:
  cdn-include serve
  cdn-include serve ./public --port 3000 --cache-control 'public, max-age=0, s-maxage=300'
  cdn-include serve ./public --watch --purge-url http://127.0.0.1:6081/ --purge-method BAN \
    --purge-tag-header Surrogate-Key
`;

/**
 * Turns the arguments after `serve` into ServeOptions, a help request, or a usage error. Pure: a relative
 * ROOT is resolved against `cwd`, and whether the folder exists is not checked.
 * @example
 * parseServeArguments(['site', '--port', '0'], '/srv');
 * // → { kind: 'run', options: { root: '/srv/site', port: 0, host: '127.0.0.1', … } }
 */
export function parseServeArguments(args: string[], cwd: string): ArgumentsResult<ServeOptions> {
  return interpretArguments(args, SERVE_OPTIONS, (values, positionals) => ({
    ...parseSiteArguments(values, positionals, cwd),
    ...parseWatchArguments(values, cwd),
    ...parseConnectionArguments(values),
    port: values.port === undefined ? DEFAULT_PORT : parseIntegerOption(values.port, 'port', 0, 65535),
    host: parseHost(values.host),
    cacheControl: parseCacheControl(values['cache-control']),
    workers: values.workers === undefined ? undefined : parseIntegerOption(values.workers, 'workers', 1, 256),
    compression: values.compress === true ? true : undefined,
    cache: values['no-cache'] === true ? false : undefined,
    cacheSize:
      values['cache-size'] === undefined
        ? undefined
        : parseIntegerOption(values['cache-size'], 'cache-size', 0, 1 << 20) * 1024 * 1024,
    revalidateWindow:
      values['revalidate-window'] === undefined
        ? undefined
        : parseIntegerOption(values['revalidate-window'], 'revalidate-window', 0, 86_400_000),
    accessLog: values.quiet === true ? false : undefined,
    purgeTags: values['no-purge-tags'] === true ? false : undefined,
    surrogateKeyHeader: parseTagHeader(values['surrogate-key-header'], 'surrogate-key-header'),
    cacheTagHeader: parseTagHeader(values['cache-tag-header'], 'cache-tag-header'),
    gitTimes: values['git-times'] === true,
    state: parseStateArgument(values.state, cwd),
  }));
}

function parseHost(given: string | undefined): string {
  if (given === undefined) return DEFAULT_HOST;
  if (!/^[A-Za-z0-9.:[\]%_-]+$/.test(given))
    throw new UsageError(`option '--host' needs an address, not '${given}'`);
  return given.startsWith('[') && given.endsWith(']') ? given.slice(1, -1) : given;
}

function parseTagHeader(given: string | undefined, flag: string): string | false | undefined {
  if (given === undefined) return undefined;
  if (given === 'none') return false;
  // RFC 9110 §5.1: field-name = token.
  if (!isToken(given)) throw new UsageError(`option '--${flag}' needs a header name or none, not '${given}'`);
  return given;
}

function parseCacheControl(given: string | undefined): string | undefined {
  if (given === undefined) return undefined;
  // RFC 9110 §5.5: a field value is visible characters, spaces and tabs; CR/LF would split the header.
  if (given.trim() === '' || !/^[\t\x20-\x7e]+$/.test(given)) {
    throw new UsageError("option '--cache-control' needs a header value such as 'public, max-age=0'");
  }
  return given.trim();
}

/** `cdn-include serve [ROOT] [--port N] [--host A] [--ssi-ext .EXT] [--legacy-expr] [--cache-control V]` */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve an SSI site over HTTP with CDN-correct validators',
  help: SERVE_HELP,
  run(args: string[], io: CommandIo): Promise<number> {
    return settleArguments(serveCommand, parseServeArguments(args, io.cwd), io, async (options) => {
      return whenRootIsUsable('serve', options.root, io, () => serve(options, io));
    });
  },
};

/** Runs the server until SIGINT/SIGTERM; one access-log line per request on stdout, diagnostics on stderr. */
async function serve(options: ServeOptions, io: CommandIo): Promise<number> {
  let app: ServeApp;
  let watching: WatchSettings;
  let graph: DependencyGraph | undefined;
  let limits: ConnectionLimits;
  let revalidateWindow: number | undefined;
  let maxTagHeaderBytes: number | undefined;
  try {
    const { workers, accessLog, watch, purge, manifest, ...rest } = siteSettings(options);
    const { maxConnections, headersTimeout, requestTimeout, keepAliveTimeout, ...settings } = rest;
    const workerCount = options.workers ?? workers ?? 1;
    watching = watchSettings(options, { watch, purge, manifest }, io.cwd);
    const connections = connectionSettings(
      options,
      { maxConnections, headersTimeout, requestTimeout, keepAliveTimeout },
      readOpenFileLimit(),
    );
    limits = connections.limits;
    // Every worker has the same limits: the primary warns once for all.
    if (connections.warning !== undefined && !isClusterWorker())
      io.stderr(`cdn-include serve: ${connections.warning}\n`);
    // Each worker would watch and purge on its own: one change, N purges of every page.
    if (watching.watch && workerCount > 1)
      throw new UsageError("'--watch' needs a single process ('--workers 1')");
    if (workerCount > 1 && !isClusterWorker()) return runWorkers(workerCount, options.root, io);
    graph = watching.watch ? new DependencyGraph({ directoryIndex: settings.directoryIndex }) : undefined;
    revalidateWindow = options.revalidateWindow ?? settings.revalidateWindow ?? DEFAULT_REVALIDATE_WINDOW;
    maxTagHeaderBytes = settings.maxTagHeaderBytes;
    const docroot = options.gitTimes ? await gitTimesDocroot(options.root) : undefined;
    // One ledger for the life of the process: a reload with new settings keeps what was sent.
    const store = openLedgerStore(options.state ?? defaultStateFolder(options.root, io.env));
    // A fleet's shared ledger: the first requests are dated with it when it answers within a second.
    if (store instanceof RedisLedgerStore && !(await store.whenConnected(1000)))
      io.stderr(
        `cdn-include serve: ${options.state} does not answer yet; dating by file times until it does\n`,
      );
    app = createServeApp(options, io, graph, { ...docroot, store });
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
    io.stderr(`cdn-include serve: ${ctx ? `${requestLabel(ctx)}: ` : ''}${err.message}\n`);
  });
  // The handler is looked up per request, so a reload (SIGHUP) can put a new app in place between two requests.
  let handle = app.callback();
  const server = createLimitedServer((req, res) => handle(req, res), limits).listen({
    port: options.port,
    host: options.host,
  });
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
  const watchMode =
    graph &&
    startWatching(options.root, watching, graph, () => app.ssi, io, {
      revalidateWindow: revalidateWindow ?? DEFAULT_REVALIDATE_WINDOW,
      maxTagHeaderBytes,
    });
  const signal = await io.stopSignal;
  stopReloading?.();
  io.stdout(`cdn-include: ${signal} received, stopping\n`);
  await watchMode?.close();
  await closeServer(server);
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
type ServeShared = { store: LedgerStore; source?: GitTimesFileSource; documentRoot?: string };

/** The running app, with the settings it was made from (as JSON), to tell whether a reload changed them. */
type ServeApp = ReturnType<typeof createApp> & { settingsText: string; shared: ServeShared };

/** The app `serve` runs for the current config file and flags; throws on a bad config file or value. */
function createServeApp(
  options: ServeOptions,
  io: CommandIo,
  graph: DependencyGraph | undefined,
  shared: ServeShared,
): ServeApp {
  const all = serveSettings(options);
  const { accessLog, ...settings } = all;
  const record = graph && graph.record.bind(graph);
  const logging = options.accessLog ?? accessLog ?? true;
  const { store, ...docroot } = shared;
  const app = createApp({
    ...settings,
    ...docroot,
    validatorStore: store,
    onValidatorStoreError: (err) =>
      io.stderr(
        `cdn-include serve: validator state unavailable, dating by file times until it is back: ${err.message}\n`,
      ),
    cacheControl: options.cacheControl ?? settings.cacheControl,
    compression: options.compression ?? settings.compression,
    cache: options.cache ?? settings.cache,
    cacheSize: options.cacheSize ?? settings.cacheSize,
    ...fileWatching(options.revalidateWindow ?? settings.revalidateWindow, docroot, io),
    purgeTags: options.purgeTags ?? settings.purgeTags,
    surrogateKeyHeader: options.surrogateKeyHeader ?? settings.surrogateKeyHeader,
    cacheTagHeader: options.cacheTagHeader ?? settings.cacheTagHeader,
    accessLog: logging ? (line) => io.stdout(`${line}\n`) : undefined,
    onError: (err, ctx) =>
      io.stderr(`cdn-include serve: ${requestLabel(ctx)} answered 500: ${stackOf(err)}\n`),
    onDiagnostic: (diagnostic, ctx) => io.stderr(`${formatDiagnostic(diagnostic)} [${requestLabel(ctx)}]\n`),
    onPageBuilt: record && ((built) => record(built.url, built.path, built.dependencies)),
  });
  return Object.assign(app, { settingsText: JSON.stringify(all), shared });
}

/**
 * Notifications keep the caches current; the revalidation window is the fallback where they are unavailable, and
 * runs beside them when the operator gave one. A `--git-times` docroot watches the folder it wraps.
 */
function fileWatching(
  given: number | undefined,
  docroot: { documentRoot?: string } | undefined,
  io: CommandIo,
) {
  const revalidateWindow = given ?? DEFAULT_REVALIDATE_WINDOW;
  return {
    revalidateWindow,
    revalidateWhileWatching: given !== undefined,
    watchRoot: docroot?.documentRoot,
    onWatchStatus: watchStatusReporter(io, revalidateWindow),
  };
}

/** The settings of the app itself: what a reload may change (not the port, workers, limits or watching). */
function serveSettings(options: ServeOptions) {
  const { workers, watch, purge, manifest, ...rest } = siteSettings(options);
  const { maxConnections, headersTimeout, requestTimeout, keepAliveTimeout, ...settings } = rest;
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
    text = JSON.stringify(serveSettings(options));
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
    io.stdout(`cdn-include: SIGHUP received, configuration read again and caches dropped\n`);
    return app;
  } catch (err) {
    io.stderr(`cdn-include serve: reload kept the running configuration: ${(err as Error).message}\n`);
    running.ssi.reload();
    return running;
  }
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
  cache: () => SsiMiddleware,
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
    onChanges: (paths) => void cache().invalidate(paths),
    maxTagHeaderBytes: site.maxTagHeaderBytes,
    fallbackNote: ` (cached responses are re-checked against their files after ${site.revalidateWindow} ms, as --revalidate-window says)`,
  });
}

/** The request a stderr line is about, escaped like the access log's request line. */
function requestLabel(ctx: { method: string; url: string }): string {
  return escapeLogItem(`${ctx.method} ${ctx.url}`);
}

/** An unexpected error as logged once: its stack, which names the cause and where it arose. */
function stackOf(err: unknown): string {
  // Duck-typed: an error from another realm (a vm context, jest's sandbox) is no `instanceof Error` here.
  const stack = typeof err === 'object' && err !== null && 'stack' in err ? err.stack : undefined;
  return typeof stack === 'string' ? stack : String(err);
}

function listeningUrl(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

/** Stops accepting connections and ends idle keep-alive ones, so the process can exit promptly. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}
