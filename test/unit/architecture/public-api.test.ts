// The public API, pinned: every name each package entry exports, types included. Each is a compatibility promise,
// so adding or removing one must be a deliberate change to this list (and to README "The library").

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const SRC = join(__dirname, '../../../src');

/** The package entries (package.json "exports") and the file each is compiled from. */
const ENTRIES = {
  'cdn-include': 'index.ts',
  'cdn-include/check': 'check/index.ts',
  'cdn-include/purge': 'purge/index.ts',
};

/** The names an entry exports, each marked `type` when it exists only for TypeScript; sorted. */
function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(SRC, file), 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) throw new Error(`${file}: only re-exports, no logic`);
    if (statement.exportClause === undefined || !ts.isNamedExports(statement.exportClause)) {
      throw new Error(`${file}: no 'export *', so the list stays visible`);
    }
    for (const element of statement.exportClause.elements) {
      const typeOnly = statement.isTypeOnly || element.isTypeOnly;
      names.push(`${typeOnly ? 'type ' : ''}${element.name.text}`);
    }
  }
  return names.sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
}

describe('public API', () => {
  it('cdn-include › the middleware, the app, the engine, the file sources, the graph and watcher, the build', () => {
    expect(exportedNames(ENTRIES['cdn-include'])).toEqual([
      'type AppOptions',
      'type BuildOptions',
      'type BuildReport',
      'buildSite',
      'type CachePolicyRule',
      'createApp',
      'type Dependency',
      'DependencyGraph',
      'type DependencyGraphOptions',
      'type Diagnostic',
      'type DiagnosticCode',
      'directoryTagOf',
      'type DocrootWatcher',
      'type DocrootWatcherOptions',
      'type FileContent',
      'type FileInfo',
      'type FileLookup',
      'type FileSource',
      'FolderLedgerStore',
      'formatDiagnostic',
      'type GraphDependency',
      'type LedgerStore',
      'type MemoryFile',
      'MemoryFileSource',
      'NodeFileSource',
      'NodeOutputFs',
      'type NodeOutputFsOptions',
      'NodeSiteLister',
      'type NodeSiteListerOptions',
      'type OutputFileInfo',
      'type OutputFs',
      'type PageBuilt',
      'type PageRecord',
      'RedisLedgerStore',
      'type RedisLedgerStoreOptions',
      'type RedisLocation',
      'type RenderLimits',
      'type RenderOptions',
      'renderPage',
      'type RenderRequest',
      'type RenderResult',
      'type RequestDependence',
      'type SiteLister',
      'ssi',
      'type SsiMemoryUsage',
      'type SsiMiddleware',
      'type SsiOptions',
      'tagOf',
      'type VariantEntry',
      'watchDocroot',
      'type WatcherStatus',
    ]);
  });

  it('cdn-include/check › the auditor and the types of its result', () => {
    expect(exportedNames(ENTRIES['cdn-include/check'])).toEqual([
      'checkRevalidation',
      'type CheckStep',
      'ExchangeError',
      'type FreshnessSource',
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
    ]);
  });

  it('cdn-include/purge › the purge queue and its request templates', () => {
    expect(exportedNames(ENTRIES['cdn-include/purge'])).toEqual([
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
    const manifest = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const compiled = (file: string): { types: string; default: string } => ({
      types: `./dist/${file.replace(/\.ts$/, '.d.ts')}`,
      default: `./dist/${file.replace(/\.ts$/, '.js')}`,
    });
    expect(manifest.exports).toEqual({
      '.': compiled(ENTRIES['cdn-include']),
      './check': compiled(ENTRIES['cdn-include/check']),
      './purge': compiled(ENTRIES['cdn-include/purge']),
      './package.json': './package.json',
    });
  });
});
