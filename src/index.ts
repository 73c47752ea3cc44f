// The public API of cdn-include (README "The library"): each name here is a compatibility promise, and
// test/unit/architecture/public-api.test.ts pins the list. No logic here: each name is defined in its layer.
// The auditor and the purge client have entries of their own: `cdn-include/check` and `cdn-include/purge`.

// The Koa middleware, and a Koa app around it.
export { ssi } from './server/ssi-middleware';
export type { PageBuilt, SsiMemoryUsage, SsiMiddleware, SsiOptions } from './server/ssi-middleware';
export type { CachePolicyRule } from './server/cache-policy';
export type { SetHeaders, SetHeadersInfo } from './server/set-headers';
export type { ErrorDocuments } from './server/error-document-settings';
export { createApp } from './server/app';
export type { AppOptions } from './server/app';
export { LiveReload } from './server/live-reload';
export type { LiveReloadOptions } from './server/live-reload';
// The origin's load signal (README "Under load"): the monitor, or the port to answer from elsewhere.
export { LoadMonitor } from './server/load-monitor';
export type { LoadMonitorOptions, LoadStatus } from './server/load-monitor';
export type { LoadLevel, LoadSignal } from './server/load-signal';
export type { LoadSettings, LoadThresholds } from './server/load-settings';
export type { LoadSample } from './server/load-state';
// Offloading under load (README "Under load"): the `offload` option's shape, its `underLoad` fields among them.
export type { OffloadConfig, OffloadWhen } from './server/offload-config';
export type { UnderLoadSettings } from './server/under-load-fields';

// Where the middleware keeps its validator ledger (the `validatorStore` option), or the port to write your own.
export { FolderLedgerStore } from './engine/folder-ledger-store';
export { RedisLedgerStore } from './engine/redis-ledger-store';
export type { RedisLedgerStoreOptions, RedisLocation } from './engine/redis-ledger-store';
export type { LedgerStore, PageRecord, VariantEntry } from './engine/validator-ledger';

// The mirrors a site's responses may name (README "Mirrors"): the prober, or the port to answer from elsewhere.
export { MirrorProber } from './mirrors/mirror-prober';
export type { MirrorProberOptions } from './mirrors/mirror-prober';
export type { MirrorConfig } from './mirrors/mirror-config';
export type { MirrorChange, MirrorDirectory, MirrorStanding } from './mirrors/mirror-directory';
// Redirects to a near mirror (README "Redirecting to a near mirror"): the policy, and the ports for a client's
// country and for resolving mirror host names.
export type { MirrorRedirectPolicy } from './mirrors/mirror-redirect-policy';
export type { GeoLookup } from './mirrors/geo-lookup';
export type { HostLookup } from './mirrors/mirror-addresses';

// Asset hosts (README "Asset hosts"): the configuration, and the assignment of an asset to its host, the same in
// every process, for tools that must agree with the server.
export { assetHostFor, canonicalAssetPath } from './asset-hosts/asset-assignment';
export type { AssetHost } from './asset-hosts/asset-assignment';
export type { AssetHostEntry, AssetHostsOptions } from './asset-hosts/asset-host-options';

// The purge tags the middleware sends (README "Purge tags").
export { directoryTagOf, tagOf } from './server/purge-tags';

// The engine on its own: one page rendered through a file source.
export { renderPage } from './engine/render';
export type { RenderResult } from './engine/render';
export type { RenderOptions } from './engine/render-options';
export type { RedirectedRequest, RenderRequest } from './engine/render-request';
export type { RenderLimits } from './engine/render-limits';
export type { Dependency } from './engine/dependency-set';
export type { RequestDependence } from './engine/request-dependence';
export { formatDiagnostic } from './engine/diagnostics';
export type { Diagnostic, DiagnosticCode } from './engine/diagnostics';

// The file-source port and its adapters: the real docroot, and one in memory (tests, generated sites).
export type { FileContent, FileInfo, FileLookup, FileSource } from './engine/file-source';
export { NodeFileSource } from './engine/node-file-source';
export { MemoryFileSource } from './engine/memory-file-source';
export type { MemoryFile } from './engine/memory-file-source';

// Which pages rest on which files, and a docroot watcher to learn of changes (README "Watch and purge").
export { DependencyGraph } from './engine/dependency-graph';
export type { DependencyGraphOptions, GraphDependency } from './engine/dependency-graph';
export { watchDocroot } from './engine/docroot-watcher';
export type { DocrootWatcher, DocrootWatcherOptions, WatcherStatus } from './engine/docroot-watcher';

// The site build (README "Build to static files") and its node:fs adapters; the ports, to write other ones.
export { buildSite } from './site-build/build-site';
export type { BuildOptions } from './site-build/build-options';
export type { BuildReport } from './site-build/build-report';
export { NodeSiteLister } from './site-build/node-site-lister';
export type { NodeSiteListerOptions } from './site-build/node-site-lister';
export type { SiteLister } from './site-build/site-lister';
export { NodeOutputFs } from './site-build/node-output-fs';
export type { NodeOutputFsOptions } from './site-build/node-output-fs';
export type { OutputFileInfo, OutputFs } from './site-build/output-fs';
