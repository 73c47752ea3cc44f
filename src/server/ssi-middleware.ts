// The Koa middleware: serves a docroot, expanding SSI pages and serving other files, with exact conditional
// requests; keeps what it built in a render cache that the kernel's file notifications keep current (or, where
// there are none, one stat per file the response rested on).

import type { Context, Middleware, Next } from 'koa';
import { CachingFileSource, DEFAULT_FILE_CACHE_BYTES } from '../engine/caching-file-source';
import {
  type ChangeFeed,
  type ChangeFeedStatus,
  type StartFolderWatch,
  watchForChanges,
} from '../engine/change-feed';
import { type GraphDependency } from '../engine/dependency-graph';
import { type Diagnostic } from '../engine/diagnostics';
import { DocrootFollower } from '../engine/docroot-follower';
import { floorToSecond } from '../engine/validators';
import { FileEntityTags } from '../engine/file-entity-tags';
import { type FileSource } from '../engine/file-source';
import { NodeFileSource } from '../engine/node-file-source';
import {
  isSsiPath,
  type RenderOptions,
  type ResolvedRenderOptions,
  resolveRenderOptions,
} from '../engine/render-options';
import { DEFAULT_LEDGER_BYTES, MemoryLedgerStore } from '../engine/memory-ledger-store';
import { type LedgerStore, ValidatorLedger } from '../engine/validator-ledger';
import type { MirrorDirectory } from '../mirrors/mirror-directory';
import { fileUrl } from '../mirrors/mirror-prober';
import { DEFAULT_CACHE_CONTROL, validateCacheControl } from './cache-headers';
import { type CachePolicyRule, compileCachePolicy } from './cache-policy';
import {
  DEFAULT_COMPRESSION_THRESHOLD,
  DEFAULT_MAX_COMPRESS_BYTES,
  negotiateContentCoding,
} from './content-coding';
import { type CachedVariant, DEFAULT_PAGE_CACHE_BYTES, PageCache } from './page-cache';
import { MAX_TAG_HEADER_BYTES, validateTagHeaderName } from './purge-tags';
import { type Representation, sendRepresentation } from './representation';
import { checksumRepresentation } from './checksum-file';
import { type DerivedRequest, derivedRequestOf, downloadNameOf } from './derived-files';
import { type MetalinkUrl, metalinkRepresentation } from './metalink-file';
import { type MirroredResponse, MirrorLinks, sha256Of } from './mirror-links';
import { mirrorListOf, mirrorListSubjectOf, sendMirrorList } from './mirror-list';
import { isDoubtedRevalidation } from './representation-dating';
import { type ErrorDocuments, resolveErrorDocuments } from './error-document-settings';
import { sendErrorDocument } from './error-documents';
import { type LocatedResource, locateResource } from './resource-locator';
import { mirrorRedirectOf, type MirrorRedirectOptions } from './mirror-redirect';
import { type AssetHostsOptions, resolveAssetHosts } from '../asset-hosts/asset-host-options';
import { assetHostRequestsOf } from './asset-host-requests';
import { checkLoadSignalOption, type LoadSignal } from './load-signal';
import { edgeUnderLoadOf } from './edge-under-load';
import { isNotModifiedFor, offloadOf, type OffloadOptions } from './offload';
import { withOwnHosts } from './offload-config';
import { callSetHeaders, type SetHeaders, validateSetHeaders } from './set-headers';
import { buildResponse, type BuiltResponse, type ResponseBuilderSettings } from './response-builder';
import { CACHE_HIT_NOTE, noteDirectEntityTag, noteServed, type CacheOutcome } from './served-notes';
import {
  DEFAULT_STREAM_THRESHOLD,
  type OpeningFileSource,
  sendStreamedFile,
  streamedIdentity,
} from './streamed-file';
import { wholeNumberOption } from '../fields/whole-number';
import { WHOLE_NUMBER_OPTIONS } from './ssi-option-ranges';

/** Options of the `ssi()` middleware: the engine's RenderOptions plus where the files are and how to cache. */
export interface SsiOptions
  extends Omit<RenderOptions, 'source'>, Omit<MirrorRedirectOptions, 'mirrorDirectory'>, OffloadOptions {
  /** The docroot folder. Either `root` or `source` is required. */
  root?: string;
  /** Where files are read from, instead of `root` (e.g. a MemoryFileSource in tests). */
  source?: FileSource;
  /**
   * Asset hosts (README "Asset hosts"): HTML pages link their assets there, rewritten once per render; pages
   * requested on an asset host are redirected to `assetHosts.origin`. @default undefined: off
   */
  assetHosts?: AssetHostsOptions;
  /** Cache-Control of SSI pages that depend only on files. @default 'public, max-age=0' */
  cacheControl?: string;
  /** Cache-Control of static files. @default 'public, max-age=0' */
  staticCacheControl?: string;
  /**
   * Cache policy rules by URL-path glob and content type, first match wins, before `cacheControl` and
   * `staticCacheControl` (README "Behind a CDN"). @default []
   */
  cacheRules?: CachePolicyRule[];
  /**
   * Keep the validator ledger: what each page variant was sent with, so a Last-Modified never vouches for other
   * bytes (a fragment replaced by an older file, a rollback, a restart) — README "Validators that never lie".
   * false dates by file times alone. @default true
   */
  rememberValidators?: boolean;
  /**
   * Where the ledger is kept: a FolderLedgerStore (a state folder shared by workers and restarts), a
   * RedisLedgerStore (a fleet), or your own. The middleware never closes it. @default in memory
   */
  validatorStore?: LedgerStore;
  /** Bytes of the in-memory ledger (page paths, variant keys, ETags; least recently used go first). @default 8388608 */
  validatorHistorySize?: number;
  /**
   * Called when the validator store fails (once per streak of failures): responses go on, dated conservatively
   * (README "Validators that never lie"). It must not throw. @default ignore
   */
  onValidatorStoreError?: (error: Error) => void;
  /** Keep built responses in memory (the render cache); false renders every request. @default true */
  cache?: boolean;
  /** Bytes of built responses kept, compressed copies included (least recently used go first). @default 67108864 */
  cacheSize?: number;
  /** Bytes of file contents (fragments, pages, static files) kept for renders; 0 reads every file every time. @default 33554432 */
  fileCacheSize?: number;
  /**
   * Learn of changes from the kernel's file notifications (one inotify watch per folder of the docroot): a
   * response is dropped from the render cache, and a file from the file cache, as soon as the change is read,
   * and cached responses are sent without a stat of their files. Only for a `root`, or with `watchRoot`.
   * @default true
   */
  watchFiles?: boolean;
  /** The real folder `source` reads, to watch it as a `root` is watched. @default none (a `source` is not watched) */
  watchRoot?: string;
  /**
   * Milliseconds a cached response is served without re-stamping its files where file notifications are off or
   * unavailable (or always, with `revalidateWhileWatching`): the bound on how stale a response can be there. 0
   * stats every file of the response on every request. @default 0
   */
  revalidateWindow?: number;
  /** Re-stamp cached responses (within `revalidateWindow`) even while notifications work. @default false */
  revalidateWhileWatching?: boolean;
  /**
   * Told, for each real docroot folder, whether it is watched or why notifications cannot be relied on there
   * (then responses are re-stamped within `revalidateWindow`). It must not throw. @default ignore
   */
  onWatchStatus?: (status: ChangeFeedStatus, realRoot: string) => void;
  /** Starts a folder tree's watch: the seam through which tests inject failures. @default one fs.watch per folder */
  startWatch?: StartFolderWatch;
  /**
   * Static files bigger than this many bytes are sent from disk as they are read (never compressed, never held
   * in memory), their ETag hashed once per file version; smaller ones are read whole and cached. Only for a
   * source that can open files (`root`). @default 1048576
   */
  streamThreshold?: number;
  /** Negotiate gzip and brotli from Accept-Encoding for compressible types (the mime database). @default false */
  compression?: boolean;
  /** Smallest body, in bytes, that is sent compressed. @default 1024 */
  compressionThreshold?: number;
  /**
   * Largest body, in bytes, that is sent compressed; larger ones go out as they are. Bodies over 64 KiB are
   * compressed on the libuv threadpool, two at a time, so the event loop is never held. @default 33554432 (32 MiB)
   */
  maxCompressBytes?: number;
  /**
   * Send purge tags, one per file a response rested on plus its own (README "Behind a CDN").
   * @default true
   */
  purgeTags?: boolean;
  /** Header with the tags space-separated (Fastly, Varnish bans); false for none. @default 'Surrogate-Key' */
  surrogateKeyHeader?: string | false;
  /** Header with the tags comma-separated (Cloudflare purge by tag); false for none. @default 'Cache-Tag' */
  cacheTagHeader?: string | false;
  /** Largest tag header value in bytes; above it tags fall back to folders, then to none. @default 16384 */
  maxTagHeaderBytes?: number;
  /**
   * Pages sent as the body of error answers, by status: `{ "404": "/errors/404.shtml" }` (Apache's ErrorDocument;
   * README "Error documents"). SSI pages see REDIRECT_STATUS, REDIRECT_URL, REDIRECT_QUERY_STRING and
   * REDIRECT_REQUEST_METHOD; the answer keeps its status, has no validators, and its Cache-Control comes from the
   * first cache rule naming a `path` that matches the document, else `no-store`. A 404 document answers what nothing
   * after the middleware answered. @default none
   */
  errorDocuments?: ErrorDocuments;
  /**
   * Called for every file or page response (cache hits, 304 and 206 included) after its caching fields are set and
   * before the body goes out, like koa-send's `setHeaders(res, path, stats)`: `path` is the docroot file
   * (`/news/index.shtml`). It may set other fields (Cache-Control included); changing ETag, Last-Modified,
   * Content-Length, Content-Encoding, Content-Range or Vary throws (README "In your Koa app"). @default none
   */
  setHeaders?: SetHeaders;
  /**
   * Write 200 and 304 answers of responses held in memory straight to Node's response (`ctx.respond = false`, one
   * field list per response), past Koa's response handling: about a fifth less CPU per warm response. Only for an
   * app where no middleware after this one reads or changes a response's body or fields (`createApp` and `serve`
   * set it); an app's `setHeaders` hook, mirrors and preconnect links turn it off, and so do the under-load fields
   * of `offload` for our edges' fetches while loaded. @default false
   */
  respondDirectly?: boolean;
  /**
   * koa-send's name for `directoryIndex`: one file name or a list, `false` for none. Give one of the two.
   * @default see directoryIndex
   */
  index?: string | string[] | false;
  /**
   * Answer methods other than GET and HEAD on an existing file with 405 and `Allow: GET, HEAD`, as Apache does,
   * instead of passing them to `next` as koa-static does (README "In your Koa app"). The CLI's server sets it.
   * @default false
   */
  methodNotAllowed?: boolean;
  /** Called for every problem found inside a page, once per render (a cached response is not re-rendered). @default ignore */
  onDiagnostic?: (diagnostic: Diagnostic, ctx: Context) => void;
  /**
   * Called after every page or static file is built (not for a cache hit) with the URL path requested, the file
   * that answered it and every file it rested on: what a DependencyGraph records. It must not throw. @default none
   */
  onPageBuilt?: (built: PageBuilt) => void;
  /**
   * A development mode: markup put before `</body>` of every HTML response held in memory (not of a streamed
   * file), e.g. the live-reload client's script tag. Such responses are sent with `Cache-Control: no-store`, no CDN
   * fields and an ETag of the bytes sent. Never set it in production. @default none
   */
  htmlInjection?: string;
  /**
   * The site's mirrors, as the prober last saw them (README "Mirrors"): public responses resting on files alone get
   * `Link: rel=duplicate` for each mirror holding their exact bytes, with the Metalink link and `Digest`, and
   * `PATH?mirrorlist` lists every mirror of a file. A site without mirrors pays nothing. @default none
   */
  mirrorDirectory?: MirrorDirectory;
  /**
   * The origin's load signal (README "Under load"), e.g. a LoadMonitor: the steps that act on load read it per
   * request (`mirrorRedirect.when: "overloaded"` redirects the requests it sheds, unless `overloaded` is given).
   * It must be cheap and must not throw. @default none: the origin is never overloaded
   */
  loadSignal?: LoadSignal;
}

/** What onPageBuilt receives. */
export interface PageBuilt {
  /** The request-target's path, without the query: `/news/`. */
  url: string;
  /** The docroot file that answered it: `/news/index.shtml`. */
  path: string;
  dependencies: GraphDependency[];
}

/**
 * The middleware, with hooks that empty its caches (e.g. after a deploy that must show at once) or drop the
 * responses resting on given files (a watcher that saw them change), returning how many were dropped.
 */
export type SsiMiddleware = Middleware & {
  clearCache(): void;
  /** Resolves the docroot path again (a symlink may lead elsewhere now) and starts from empty caches. */
  reload(): void;
  invalidate(paths: readonly string[]): number;
  /** Stops watching the docroot's files (the middleware must not serve afterwards). */
  close(): void;
  /** The bytes each bounded cache holds now, as counted against its budget. */
  memoryUsage(): SsiMemoryUsage;
};

/** What memoryUsage() reports, in bytes. */
export interface SsiMemoryUsage {
  /** The render cache (`cacheSize`): keys, bodies, header values and strings, stamped paths. */
  responses: number;
  /** The file cache (`fileCacheSize`): paths and file bytes. */
  files: number;
  /** The validator history (`validatorHistorySize`): keys and ETags. */
  validators: number;
}

const ALLOWED_METHODS = 'GET, HEAD';

/**
 * Serves SSI pages and static files from a docroot; requests for files that do not exist go on to `next`.
 *
 * @example
 * import Koa from 'koa';
 * import { ssi } from 'cdn-include';
 * new Koa().use(ssi({ root: 'public', compression: true })).listen(8080);
 */
export function ssi(given: SsiOptions): SsiMiddleware {
  const options = withKoaSendNames(given);
  const releases = resolveSsiOptions(options);
  const errorDocuments = resolveErrorDocuments(options.errorDocuments, options.cacheRules);
  const setHeaders = validateSetHeaders(options.setHeaders);
  const mirrorLinks =
    options.mirrorDirectory && new MirrorLinks(options.mirrorDirectory, purgeTagOptions(options));
  const loadSignal = checkLoadSignalOption(options.loadSignal, 'ssi()');
  const redirect = mirrorRedirectOf({ ...options, loadSignal }, mirrorLinks, mountPrefix);
  const assetHosts = releases.current().settings.assetHosts;
  const assetRequests = assetHosts && assetHostRequestsOf(assetHosts);
  // The asset hosts are ours: a request that reached us under one of their names is never offloaded.
  const offload = offloadOf(
    options.offload && assetHosts
      ? {
          offload: withOwnHosts(
            options.offload,
            assetHosts.hosts.map((host) => host.origin),
          ),
        }
      : options,
    loadSignal,
  );
  const underLoad = edgeUnderLoadOf(offload, loadSignal);
  // Whatever changes fields after the answer (the hook, mirror links) needs Koa's response; so do the per-variant
  // preconnect links and, per request, the under-load step (see send).
  const mayRespondDirectly = options.respondDirectly === true && !setHeaders && !mirrorLinks;

  async function ssiMiddleware(ctx: Context, next: Next): Promise<void> {
    // Before the request-target is read: the screen may take the bounce-back marker off it.
    if (offload && offload.screen(ctx)) return;
    // One release per request, from its first open to its last: a docroot switch mid-request changes nothing.
    const release = releases.current();
    // Pages are not served on an asset host; assets there get the CORS fields of CORS mode.
    if (assetRequests?.isOnAssetHost(ctx) && assetRequests.answer(ctx, release.settings.renderOptions))
      return;
    const target = ctx.req.url ?? '/';
    const now = Date.now();
    const method = ctx.method;
    const { cache } = release;
    if (method !== 'GET' && method !== 'HEAD') {
      // Koa's convention (koa-static): a method this middleware does not serve is someone else's to answer.
      if (options.methodNotAllowed !== true) return next();
      return serveUncached(release, ctx, next, target, now);
    }
    if (mirrorLinks && (await sendMirrorListOf(release, ctx, target))) return;
    if (!cache) return serveUncached(release, ctx, next, target, now);
    const key = requestKey(ctx, target);
    const hit = cache.lookup(key, ctx.req.headers, now);
    if (hit) {
      noteServed(ctx.req, CACHE_HIT_NOTE);
      return await send(release, ctx, key, hit, now);
    }
    const { shared, variant } = await cache.once(key, () =>
      buildAndStore(release, ctx, next, key, target, now),
    );
    // Concurrent misses share the first build when its variant fits them; otherwise each builds its own.
    if (!shared) return;
    if (variant && cache.matches(variant, ctx.req.headers)) {
      noteServed(ctx.req, { cache: 'shared' });
      return await send(release, ctx, key, variant, now);
    }
    return serveUncached(release, ctx, next, target, now);
  }

  /** The first miss of a key: builds, answers its own request, and stores what may be reused. */
  async function buildAndStore(
    release: Release,
    ctx: Context,
    next: Next,
    key: string,
    target: string,
    now: number,
  ) {
    const { settings, files, cache } = release;
    const { renderOptions } = settings;
    // Taken before any file is read: a change reported while the build runs keeps its response out of the cache.
    const mark = cache?.changeMark;
    const view = files.recordingView();
    const located = await locateResource({ ...renderOptions, source: view }, target);
    if (located.kind !== 'file') return void (await refuseRedirectOrPass(release, ctx, next, located));
    // Offloaded before it is built: under load the render is the cost a redirect saves.
    if (offload && (await offload.answerBeforeBuild(ctx))) return undefined;
    if (await isStreamed(release, located.path, view))
      return void (await serveStreamed(release, ctx, next, target, located.path, now));
    const built = await timedBuild(ctx, 'miss', () => buildResponse(ctx, located, view, settings, now));
    if (!built) return void (await passOn(release, ctx, next));
    reportBuilt(target, located.path, built.dependencies);
    if (built.cacheable) cache?.store(key, built.variant, mark);
    await send(release, ctx, key, built.variant, now);
    return built.cacheable ? built.variant : undefined;
  }

  async function serveUncached(
    release: Release,
    ctx: Context,
    next: Next,
    target: string,
    now: number,
  ): Promise<void> {
    const { settings, files } = release;
    const { renderOptions } = settings;
    const source = files.recordingView();
    const located = await locateResource({ ...renderOptions, source }, target);
    if (located.kind !== 'file') return refuseRedirectOrPass(release, ctx, next, located);
    // RFC 9110 §9.1: pages are representations, served for GET and HEAD only; preconditions are not evaluated for others.
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', ALLOWED_METHODS);
      return refuseRequest(release, ctx, 405);
    }
    if (offload && (await offload.answerBeforeBuild(ctx))) return;
    if (await isStreamed(release, located.path, source))
      return serveStreamed(release, ctx, next, target, located.path, now);
    const built: BuiltResponse | undefined = await timedBuild(ctx, 'bypass', () =>
      buildResponse(ctx, located, source, settings, now),
    );
    if (!built) return passOn(release, ctx, next);
    reportBuilt(target, located.path, built.dependencies);
    await send(release, ctx, undefined, built.variant, now);
  }

  /** Whether `path` is a static file above the streaming threshold (the lookup is one cached stat). */
  async function isStreamed(release: Release, path: string, source: FileSource): Promise<boolean> {
    const { streaming, settings } = release;
    if (!streaming || isSsiPath(settings.renderOptions, path)) return false;
    // CSS is read into memory when asset hosts rewrite its url()s.
    if (settings.assetHosts && /\.css$/i.test(path)) return false;
    const lookup = await source.stat(path);
    return lookup.status === 'found' && lookup.info.size > streaming.threshold;
  }

  /** Sends a big static file from disk; it is not kept in the render cache (its bytes are not in memory). */
  async function serveStreamed(
    release: Release,
    ctx: Context,
    next: Next,
    target: string,
    path: string,
    now: number,
  ) {
    const { streaming, settings } = release;
    if (!streaming) return passOn(release, ctx, next);
    const identityOf = () => streamedIdentity(path, streaming.source, streaming.tags, settings, now);
    if (offload && (await offload.answer(ctx, async () => isNotModifiedFor(ctx, await identityOf(), now))))
      return;
    if (redirect && (await redirect.answer(ctx, path, identityOf))) return;
    const outcome = await sendStreamedFile(
      ctx,
      path,
      streaming.source,
      streaming.tags,
      settings,
      now,
      mirrorLinks &&
        ((representation) =>
          mirrorLinks.decorate(
            ctx,
            { path, sent: representation, identity: representation, requestIndependent: true },
            mountPrefix(ctx),
          )),
    );
    if (outcome === 'missing') return passOn(release, ctx, next);
    if (outcome === 'forbidden') return refuseRequest(release, ctx, 403);
    if (setHeaders) callSetHeaders(setHeaders, ctx, path, 'static');
    noteServed(ctx.req, { cache: 'stream' });
    reportBuilt(target, path, [{ path, exists: true }]);
  }

  function responseKind(release: Release, path: string): 'page' | 'static' {
    return isSsiPath(release.settings.renderOptions, path) ? 'page' : 'static';
  }

  /** Runs `build` and notes its outcome and duration for the access log. */
  async function timedBuild(
    ctx: Context,
    cache: CacheOutcome,
    build: () => Promise<BuiltResponse | undefined>,
  ): Promise<BuiltResponse | undefined> {
    const started = performance.now();
    const built = await build();
    if (built) noteServed(ctx.req, { cache, renderMs: performance.now() - started });
    return built;
  }

  function reportBuilt(target: string, path: string, dependencies: GraphDependency[]): void {
    const query = target.indexOf('?');
    options.onPageBuilt?.({ url: query < 0 ? target : target.slice(0, query), path, dependencies });
  }

  async function send(
    release: Release,
    ctx: Context,
    key: string | undefined,
    variant: CachedVariant,
    now: number,
  ) {
    const set = variant.representations;
    const coding = set.compressible ? negotiateContentCoding(ctx.req.headers['accept-encoding']) : 'identity';
    const grows = !set.has(coding);
    // The representation is selected (perhaps compressed) only to see whether a 304 answers a conditional request.
    if (
      offload &&
      (await offload.answer(ctx, async () => isNotModifiedFor(ctx, await set.select(coding), now)))
    )
      return;
    if (redirect && (await redirect.answer(ctx, variant.path, () => variant.representations.identity)))
      return;
    const representation = set.selected(coding) ?? (await set.select(coding));
    const direct = mayRespondDirectly && !variant.preconnect && !underLoad?.actsOn(ctx);
    if (sendRepresentation(ctx, representation, now, direct))
      noteDirectEntityTag(ctx.req, representation.etag);
    if (variant.preconnect) for (const link of variant.preconnect) ctx.append('Link', link);
    if (mirrorLinks && variant.path !== undefined)
      mirrorLinks.decorate(
        ctx,
        {
          path: variant.path,
          sent: representation,
          identity: set.identity,
          requestIndependent: variant.sameForEveryRequest === true,
        },
        mountPrefix(ctx),
      );
    if (setHeaders && variant.path !== undefined)
      callSetHeaders(setHeaders, ctx, variant.path, responseKind(release, variant.path));
    if (grows && key !== undefined) release.cache?.grew(key);
    if (isDoubtedRevalidation(ctx.method, ctx.req.headers, representation, now))
      void promote(release, key, variant, now);
  }

  /**
   * Records the proven date of a doubted first-contact entry, then sends it from the render cache too: a redated
   * copy of the variant's set takes its place there (the cached set itself is never changed).
   */
  async function promote(
    release: Release,
    key: string | undefined,
    variant: CachedVariant,
    now: number,
  ): Promise<void> {
    const { ledger } = release.settings;
    const set = variant.representations;
    const { datedAs, etag } = set.identity;
    if (!ledger || !datedAs || etag === undefined) return;
    const promoted = await ledger.promote(datedAs.page, datedAs.variant, etag, now);
    if (promoted !== undefined && key !== undefined)
      release.cache?.replace(key, variant, set.redated(promoted));
  }

  /**
   * Answers `X.sha256` or `X.meta4` (where no file of that name exists) with what is derived from the identity
   * representation of `X` (derived-files.ts); false when X is no file, or a page whose bytes depend on the request
   * (no one checksum fits every client).
   */
  async function sendDerived(
    release: Release,
    ctx: Context,
    { kind, subject }: DerivedRequest,
  ): Promise<boolean> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
    const now = Date.now();
    const found = await subjectOf(release, ctx, subject, now);
    if (found === undefined || !found.requestIndependent) return false;
    const name = downloadNameOf(subject);
    const derived =
      kind === 'checksum'
        ? checksumRepresentation(found.identity, name)
        : metalinkRepresentation(found.identity, name, metalinkUrls(ctx, subject, found));
    sendRepresentation(ctx, derived, now);
    return true;
  }

  /**
   * Where a Metalink client may fetch `subject`: the mirrors that may be linked from its answer, in configured order,
   * then the origin itself, last (RFC 5854 §4.2.16: lower priorities first), so a client offloads the origin.
   */
  function metalinkUrls(ctx: Context, subject: string, found: MirroredResponse): MetalinkUrl[] {
    const mirrors = mirrorLinks?.mirrorsFor(ctx, found) ?? [];
    const urls: MetalinkUrl[] = mirrors.map((mirror, index) => ({
      url: fileUrl(mirror.url, found.path).href,
      priority: index + 1,
      location: mirror.geo,
    }));
    urls.push({
      url: `${ctx.protocol}://${ctx.host}${mountPrefix(ctx)}${subject}`,
      priority: urls.length + 1,
    });
    return urls;
  }

  /** Answers `X?mirrorlist` for a file X when the site has mirrors; false when X is no file. */
  async function sendMirrorListOf(release: Release, ctx: Context, target: string): Promise<boolean> {
    const subject = mirrorListSubjectOf(target);
    if (subject === undefined) return false;
    const found = await subjectOf(release, ctx, subject, Date.now());
    if (found === undefined || !options.mirrorDirectory) return false;
    const sha256 = sha256Of(found.identity);
    const standings = options.mirrorDirectory.mirrorStandings(found.path, sha256);
    // A page whose bytes depend on the request is no copy any mirror can hold.
    const shown = found.requestIndependent
      ? standings
      : standings.map(({ mirror }) => ({
          mirror,
          eligible: false as const,
          reason: 'bytes depend on the request',
        }));
    sendMirrorList(ctx, mirrorListOf(found.path, sha256, shown));
    return true;
  }

  /**
   * The identity representation of the file `subject` names, for what is said about it rather than sent of it (its
   * checksum, Metalink file, mirror list); undefined when it names no file. A build is kept as X's own would be.
   */
  async function subjectOf(
    release: Release,
    ctx: Context,
    subject: string,
    now: number,
  ): Promise<MirroredResponse | undefined> {
    const { settings, files, cache, streaming } = release;
    // Taken before any file is read, as for a page's own build (buildAndStore).
    const mark = cache?.changeMark;
    const view = files.recordingView();
    const located = await locateResource({ ...settings.renderOptions, source: view }, subject);
    if (located.kind !== 'file') return undefined;
    const { path } = located;
    if (streaming && (await isStreamed(release, path, view))) {
      const identity = await streamedIdentity(path, streaming.source, streaming.tags, settings, now);
      return identity && { path, sent: identity, identity, requestIndependent: true };
    }
    const key = requestKey(ctx, subject);
    const cached = cache?.lookup(key, ctx.req.headers, now);
    const built = cached ? undefined : await buildResponse(ctx, located, view, settings, now);
    // Bytes made for this request alone, or naming its target (X.sha256 here), are no version of X to describe.
    if (built?.requestDependent) return { path, ...identityOf(built.variant), requestIndependent: false };
    if (built) {
      // Kept as X's own build would be, so the next X.sha256 (or X) is answered without building X again.
      reportBuilt(subject, path, built.dependencies);
      if (built.cacheable) cache?.store(key, built.variant, mark);
    }
    const variant = cached ?? built?.variant;
    return (
      variant && { path, ...identityOf(variant), requestIndependent: variant.sameForEveryRequest === true }
    );
  }

  /** Answers a request that leads to no file: refused (4xx), a folder without its slash (301), or missing (next). */
  async function refuseRedirectOrPass(
    release: Release,
    ctx: Context,
    next: Next,
    located: Exclude<LocatedResource, { kind: 'file' }>,
  ) {
    if (located.kind === 'refused') return refuseRequest(release, ctx, located.status);
    if (located.kind === 'missing') return passOn(release, ctx, next);
    ctx.status = 301;
    ctx.set('Location', mountPrefix(ctx) + located.location);
    ctx.set('Cache-Control', release.settings.caching.cacheControl);
  }

  /**
   * Hands a request for a missing file to `next`; what nothing below answered (Koa's untouched 404) gets the 404
   * error document, as koa-static's `defer` serves only what is left unanswered.
   */
  async function passOn(release: Release, ctx: Context, next: Next): Promise<void> {
    const derived = derivedRequestOf(ctx.req.url ?? '/');
    if (derived !== undefined && (await sendDerived(release, ctx, derived))) return;
    await next();
    if (errorDocuments && ctx.status === 404 && ctx.body == null)
      await sendErrorDocumentFor(release, ctx, 404);
  }

  /** A refused request: its error document, or the short plain answer. */
  async function refuseRequest(release: Release, ctx: Context, status: number): Promise<void> {
    if (!(await sendErrorDocumentFor(release, ctx, status))) refuse(ctx, status);
  }

  async function sendErrorDocumentFor(release: Release, ctx: Context, status: number): Promise<boolean> {
    if (!errorDocuments) return false;
    const { renderOptions } = release.settings;
    return sendErrorDocument(
      ctx,
      status,
      errorDocuments,
      renderOptions,
      (diagnostic) => options.onDiagnostic?.(diagnostic, ctx),
      release.settings.htmlInjection,
    );
  }

  // Around the whole middleware: the under-load fields go on as the response leaves, never into the render cache.
  const served: Middleware = underLoad
    ? (ctx, next) => underLoad.middleware(ctx, () => ssiMiddleware(ctx, next))
    : ssiMiddleware;
  return Object.assign(served, {
    clearCache(): void {
      const { cache, files } = releases.current();
      cache?.clear();
      files.clear();
    },
    reload(): void {
      releases.reload();
    },
    close(): void {
      releases.close();
      mirrorLinks?.close();
    },
    invalidate(paths: readonly string[]): number {
      return releases.current().cache?.invalidate(paths) ?? 0;
    },
    memoryUsage(): SsiMemoryUsage {
      const { cache, files, settings } = releases.current();
      return {
        responses: cache?.bytes ?? 0,
        files: files.bytes,
        validators: settings.ledger?.store instanceof MemoryLedgerStore ? settings.ledger.store.bytes : 0,
      };
    },
  });
}

/**
 * What every render may read of the request besides recorded headers: method, protocol version, scheme, the
 * server's address and port, Host (SERVER_NAME) and the request-target (REQUEST_URI, the query).
 */
function requestKey(ctx: Context, target: string): string {
  const req = ctx.req;
  const socket = req.socket;
  return `${req.method}\0${req.httpVersion}\0${ctx.protocol}\0${socket.localAddress}\0${socket.localPort}\0${req.headers.host ?? ''}\0${target}`;
}

/**
 * The options with koa-send's names turned into ours where the meaning is the same (README "In your Koa app"):
 * `index` is `directoryIndex`.
 */
function withKoaSendNames(options: SsiOptions): SsiOptions {
  const { index } = options ?? {};
  if (index === undefined) return options;
  if (options.directoryIndex !== undefined)
    throw new TypeError("ssi(): give option 'index' or 'directoryIndex', not both");
  if (index === false) return { ...options, directoryIndex: [] };
  if (typeof index === 'string') return { ...options, directoryIndex: [index] };
  if (Array.isArray(index)) return { ...options, directoryIndex: index };
  throw new TypeError("ssi(): option 'index' must be a file name, a list of them, or false");
}

/**
 * The path prefix a router such as koa-mount took off the request-target before this middleware saw it: a
 * redirect's Location is an absolute path (RFC 9110 §10.2.2), so it must name the prefix again.
 */
function mountPrefix(ctx: Context): string {
  const original = pathOf(ctx.originalUrl);
  const seen = pathOf(ctx.req.url ?? '/');
  return seen !== '/' && original.length > seen.length && original.endsWith(seen)
    ? original.slice(0, original.length - seen.length)
    : '';
}

function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}

/** A variant's identity representation, as both what is sent and what mirrors must hold. */
function identityOf(variant: CachedVariant): { sent: Representation; identity: Representation } {
  const { identity } = variant.representations;
  return { sent: identity, identity };
}

/** What one release of the docroot serves with: its file source, its caches, and settings that name it. */
interface Release {
  settings: ResponseBuilderSettings;
  files: CachingFileSource;
  cache: PageCache | undefined;
  streaming: { source: OpeningFileSource; threshold: number; tags: FileEntityTags } | undefined;
  /** The file notifications keeping the caches current, if the release's folder is watched. */
  changes: ChangeFeed | undefined;
}

/** The releases the middleware serves: one for a given `source`, or each real folder `root` leads to in turn. */
interface Releases {
  current(): Release;
  /** Resolves `root` again and starts from empty caches. */
  reload(): void;
  /** Closes the current release's watches. */
  close(): void;
}

function resolveSsiOptions(options: SsiOptions): Releases {
  if (!options || (options.root === undefined && options.source === undefined)) {
    throw new TypeError("ssi(): option 'root' (a folder) or 'source' (a FileSource) is required");
  }
  if (options.root !== undefined && typeof options.root !== 'string')
    throw new TypeError("ssi(): option 'root' must be a string");
  const shared = sharedSettings(options);
  const given = options.source;
  if (given !== undefined) {
    const open = () => openRelease(options, shared, given, options.documentRoot ?? '/', 0, options.watchRoot);
    let release = open();
    return {
      current: () => release,
      reload: () => {
        release.changes?.close();
        release = open();
      },
      close: () => release.changes?.close(),
    };
  }
  // Each real folder gets its own file source and caches, keyed by the release, never mixed with another's;
  // the validator history is shared, so a page's Last-Modified keeps moving forward across releases.
  const docroot = new DocrootFollower(
    options.root as string,
    (realRoot, since) =>
      openRelease(
        options,
        shared,
        new NodeFileSource(realRoot),
        options.documentRoot ?? realRoot,
        since,
        realRoot,
      ),
    (release) => release.changes?.close(),
  );
  return {
    current: () => docroot.current().state,
    reload: () => void docroot.reload(),
    close: () => docroot.close(),
  };
}

/** The settings every release shares: validated once, when the middleware is created. */
function sharedSettings(options: SsiOptions) {
  return {
    fileCacheSize: ssiWholeNumber(options, 'fileCacheSize', DEFAULT_FILE_CACHE_BYTES),
    // What the caching fields follow (see cachingFieldsFor); the validator history is `ledger`, beside it.
    caching: {
      cacheControl: validateCacheControl(options.cacheControl ?? DEFAULT_CACHE_CONTROL, 'cacheControl'),
      staticCacheControl: validateCacheControl(
        options.staticCacheControl ?? DEFAULT_CACHE_CONTROL,
        'staticCacheControl',
      ),
      rules: options.cacheRules === undefined ? undefined : compileCachePolicy(options.cacheRules),
      compressionThreshold:
        options.compression === true
          ? ssiWholeNumber(options, 'compressionThreshold', DEFAULT_COMPRESSION_THRESHOLD)
          : undefined,
      maxCompressBytes: ssiWholeNumber(options, 'maxCompressBytes', DEFAULT_MAX_COMPRESS_BYTES),
    },
    ledger: validatorLedger(options),
    cdn: { tags: purgeTagOptions(options) },
    revalidateWindow: ssiWholeNumber(options, 'revalidateWindow', 0),
    watchFiles: options.watchFiles !== false,
    cacheSize: ssiWholeNumber(options, 'cacheSize', DEFAULT_PAGE_CACHE_BYTES),
    streamThreshold: ssiWholeNumber(options, 'streamThreshold', DEFAULT_STREAM_THRESHOLD),
    htmlInjection: htmlInjectionOf(options),
    assetHosts: assetHostsOf(options),
  };
}

function assetHostsOf(options: SsiOptions) {
  if (options.assetHosts === undefined) return undefined;
  try {
    return resolveAssetHosts(options.assetHosts);
  } catch (err) {
    throw new TypeError(`ssi(): option ${(err as Error).message}`, { cause: err });
  }
}

function htmlInjectionOf(options: SsiOptions): Buffer | undefined {
  const markup: unknown = options.htmlInjection;
  if (markup === undefined) return undefined;
  if (typeof markup !== 'string') throw new TypeError("ssi(): option 'htmlInjection' must be a string");
  return Buffer.from(markup);
}

/**
 * A release's own file cache, render cache and stream tags over `inner`; `since` floors its Last-Modified. The
 * real folder `watchRoot` is watched before anything is read from it, so no change after a read goes unreported.
 */
function openRelease(
  options: SsiOptions,
  shared: ReturnType<typeof sharedSettings>,
  inner: FileSource,
  documentRoot: string,
  since: number,
  watchRoot: string | undefined,
): Release {
  // The fragment cache stays on with the render cache off, so a cold render never re-reads or re-scans a fragment.
  // With a budget of 0 it keeps no bytes but still gives each render its recording view: one version per file.
  const files = new CachingFileSource(inner, { maxBytes: shared.fileCacheSize });
  const renderOptions: ResolvedRenderOptions = resolveRenderOptions({
    ...options,
    source: files,
    documentRoot,
  });
  const settings: ResponseBuilderSettings = {
    renderOptions,
    // The second after the switch: a response of the switch's own second could share a date with the release before.
    caching: { ...shared.caching, lastModifiedFloor: since === 0 ? 0 : floorToSecond(since) + 1000 },
    ledger: shared.ledger,
    cdn: shared.cdn,
    onDiagnostic: options.onDiagnostic,
    htmlInjection: shared.htmlInjection,
    assetHosts: shared.assetHosts,
  };
  // Declared before the watch whose callback reads it, assigned once the watch exists (the cache is built on it).
  // eslint-disable-next-line prefer-const
  let cache: PageCache | undefined;
  const changes =
    watchRoot !== undefined && shared.watchFiles
      ? watchForChanges(watchRoot, {
          onChange: (paths) => {
            files.forget(paths);
            cache?.invalidate(paths);
          },
          onStatus: (status) => options.onWatchStatus?.(status, watchRoot),
          startWatch: options.startWatch,
        })
      : undefined;
  // While notifications cover a file, its cached bytes are answered without a stat, in cold renders too.
  if (options.revalidateWhileWatching !== true) files.watchWith(changes);
  cache =
    shared.fileCacheSize > 0 && options.cache !== false
      ? new PageCache(files, {
          maxBytes: shared.cacheSize,
          revalidateWindow: shared.revalidateWindow,
          changes,
          revalidateWhileWatching: options.revalidateWhileWatching === true,
        })
      : undefined;
  const streaming = isOpeningSource(inner)
    ? { source: inner, threshold: shared.streamThreshold, tags: new FileEntityTags() }
    : undefined;
  return { settings, files, cache, streaming, changes };
}

/** A whole-number option of ssi(), or its default; anything else is misuse (a TypeError naming it). */
function ssiWholeNumber(
  options: SsiOptions,
  name: keyof typeof WHOLE_NUMBER_OPTIONS,
  fallback: number,
): number {
  return wholeNumberOption(options[name], name, WHOLE_NUMBER_OPTIONS[name], fallback, 'ssi()');
}

function isOpeningSource(source: FileSource): source is OpeningFileSource {
  return typeof source.open === 'function';
}

function validatorLedger(options: SsiOptions): ValidatorLedger | undefined {
  if (options.rememberValidators === false) return undefined;
  const size = ssiWholeNumber(options, 'validatorHistorySize', DEFAULT_LEDGER_BYTES);
  return new ValidatorLedger(
    options.validatorStore ?? new MemoryLedgerStore(size),
    options.onValidatorStoreError,
  );
}

function purgeTagOptions(options: SsiOptions) {
  if (options.purgeTags !== undefined && typeof options.purgeTags !== 'boolean') {
    throw new TypeError("ssi(): option 'purgeTags' must be true or false");
  }
  const surrogateKeyHeader = validateTagHeaderName(
    options.surrogateKeyHeader,
    'surrogateKeyHeader',
    'Surrogate-Key',
  );
  const cacheTagHeader = validateTagHeaderName(options.cacheTagHeader, 'cacheTagHeader', 'Cache-Tag');
  const maxHeaderBytes = ssiWholeNumber(options, 'maxTagHeaderBytes', MAX_TAG_HEADER_BYTES);
  if (options.purgeTags === false || (surrogateKeyHeader === false && cacheTagHeader === false))
    return undefined;
  return { surrogateKeyHeader, cacheTagHeader, maxHeaderBytes };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
};

/** A short plain answer for a refused request: never a stack trace, never the file. */
function refuse(ctx: Context, status: number): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'text/plain';
  ctx.body = `${status} ${REASONS[status] ?? ''}\n`;
}
