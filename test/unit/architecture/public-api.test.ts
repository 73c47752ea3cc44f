// The public API, pinned: every name each package entry exports, types included. Each is a compatibility promise,
// so adding or removing one must be a deliberate change to this list (and to README "The library").

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { exportedNames, PACKAGE_ENTRIES, type PackageEntry } from '../../support/package-entries';

const REPOSITORY = join(__dirname, '../../..');
/** Where a consumer at /consumer would have the package installed. */
const INSTALLED = '/consumer/node_modules/cdn-include/';

/**
 * The installed package as TypeScript's resolver sees it, without a build: the real package.json, and each
 * `dist/X.d.ts` that the build writes for a `src/X.ts`.
 */
const INSTALLED_HOST: ts.ModuleResolutionHost = {
  fileExists: (file) => {
    const real = onDisk(file);
    return real !== undefined && existsSync(real);
  },
  readFile: (file) => {
    const real = onDisk(file);
    return real !== undefined && existsSync(real) ? readFileSync(real, 'utf8') : undefined;
  },
};

function onDisk(file: string): string | undefined {
  if (!file.startsWith(INSTALLED)) return undefined;
  const inside = file.slice(INSTALLED.length);
  if (inside === 'package.json') return join(REPOSITORY, 'package.json');
  const declarations = /^dist\/(.+)\.d\.ts$/.exec(inside);
  return declarations === null ? undefined : join(REPOSITORY, 'src', `${declarations[1]}.ts`);
}

describe('public API', () => {
  it('cdn-include › the middleware, the app, the engine, the file sources, the graph and watcher, the build', () => {
    expect(exportedNames('cdn-include')).toEqual([
      'type AppOptions',
      'type AssetHost',
      'type AssetHostEntry',
      'assetHostFor',
      'type AssetHostsOptions',
      'type BuildOptions',
      'type BuildReport',
      'buildSite',
      'type CachePolicyRule',
      'canonicalAssetPath',
      'createApp',
      'type Dependency',
      'DependencyGraph',
      'type DependencyGraphOptions',
      'type Diagnostic',
      'type DiagnosticCode',
      'directoryTagOf',
      'type DocrootWatcher',
      'type DocrootWatcherOptions',
      'type ErrorDocuments',
      'type FileContent',
      'type FileInfo',
      'type FileLookup',
      'type FileSource',
      'FolderLedgerStore',
      'formatDiagnostic',
      'type GeoLookup',
      'type GraphDependency',
      'type HostLookup',
      'type LedgerStore',
      'LiveReload',
      'type LiveReloadOptions',
      'type LoadLevel',
      'LoadMonitor',
      'type LoadMonitorOptions',
      'type LoadSample',
      'type LoadSettings',
      'type LoadSignal',
      'type LoadStatus',
      'type LoadThresholds',
      'type MemoryFile',
      'MemoryFileSource',
      'type MirrorChange',
      'type MirrorConfig',
      'type MirrorDirectory',
      'MirrorProber',
      'type MirrorProberOptions',
      'type MirrorRedirectPolicy',
      'type MirrorStanding',
      'NodeFileSource',
      'NodeOutputFs',
      'type NodeOutputFsOptions',
      'NodeSiteLister',
      'type NodeSiteListerOptions',
      'type OffloadConfig',
      'type OffloadWhen',
      'type OutputFileInfo',
      'type OutputFs',
      'type PageBuilt',
      'type PageRecord',
      'type RedirectedRequest',
      'RedisLedgerStore',
      'type RedisLedgerStoreOptions',
      'type RedisLocation',
      'type RenderLimits',
      'type RenderOptions',
      'renderPage',
      'type RenderRequest',
      'type RenderResult',
      'type RequestDependence',
      'type SetHeaders',
      'type SetHeadersInfo',
      'type SiteLister',
      'ssi',
      'type SsiMemoryUsage',
      'type SsiMiddleware',
      'type SsiOptions',
      'tagOf',
      'type UnderLoadSettings',
      'type VariantEntry',
      'watchDocroot',
      'type WatcherStatus',
    ]);
  });

  it('cdn-include/check › the auditors (revalidation, asset hosts) and the types of their results', () => {
    expect(exportedNames('cdn-include/check')).toEqual([
      'type AssetHostCheckOptions',
      'type AssetHostProblem',
      'type AssetHostProblemCode',
      'type AssetHostReport',
      'type AssetResponse',
      'type CertificateNames',
      'checkAssetHosts',
      'checkRevalidation',
      'type CheckStep',
      'type CoalescingPrediction',
      'type CoalescingRule',
      'type ConnectionOptions',
      'ExchangeError',
      'type FreshnessSource',
      'type OriginConnections',
      'type OriginFacts',
      'type PlannedRequest',
      'type RecordedExchange',
      'type RecordedHeaderName',
      'type RecordedHeaders',
      'type RevalidationCheckOptions',
      'type RevalidationCheckResult',
      'type RevalidationProblem',
      'type RevalidationProblemCode',
      'type RevalidationValidator',
      'type RevalidationVerdict',
      'type SharedCacheBehaviour',
      'type SkippedStep',
      'type SubresourceLister',
      'type TlsFacts',
      'type ValidatorComparison',
      'type ValidatorVerdict',
    ]);
  });

  it('cdn-include/purge › the purge queue and its request templates', () => {
    expect(exportedNames('cdn-include/purge')).toEqual([
      'checkPurgeTarget',
      'formatPurgeEvent',
      'type PurgeAnswer',
      'type PurgeEvent',
      'type PurgeJob',
      'PurgeQueue',
      'type PurgeQueueOptions',
      'type PurgeRequest',
      'type PurgeTarget',
      'purgeTargetFromFlags',
    ]);
  });

  it('package.json › exports exactly these entries, each with its types', () => {
    const manifest = JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const compiled = (file: string): { types: string; default: string } => ({
      types: `./dist/${file.replace(/\.ts$/, '.d.ts')}`,
      default: `./dist/${file.replace(/\.ts$/, '.js')}`,
    });
    expect(manifest.exports).toEqual({
      '.': compiled(PACKAGE_ENTRIES['cdn-include']),
      './check': compiled(PACKAGE_ENTRIES['cdn-include/check']),
      './purge': compiled(PACKAGE_ENTRIES['cdn-include/purge']),
      './package.json': './package.json',
    });
  });

  it.each([
    ['node16', ts.ModuleResolutionKind.Node16, ts.ModuleKind.Node16],
    ['bundler', ts.ModuleResolutionKind.Bundler, ts.ModuleKind.ESNext],
    ['node10, through typesVersions', ts.ModuleResolutionKind.Node10, ts.ModuleKind.CommonJS],
  ])(
    'TypeScript, moduleResolution %s › each entry resolves to its declarations',
    (_name, resolution, kind) => {
      for (const entry of Object.keys(PACKAGE_ENTRIES) as PackageEntry[]) {
        const resolved = ts.resolveModuleName(
          entry,
          '/consumer/user.ts',
          { moduleResolution: resolution, module: kind },
          INSTALLED_HOST,
        ).resolvedModule;
        expect({ entry, file: resolved?.resolvedFileName }).toEqual({
          entry,
          file: `${INSTALLED}dist/${PACKAGE_ENTRIES[entry].replace(/\.ts$/, '.d.ts')}`,
        });
      }
    },
  );
});
