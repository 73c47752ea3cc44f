// The public API of cdn-include. No logic here: each name is defined in its layer.

export { ssi } from './http/ssi-middleware';
export type { SsiOptions, SsiMiddleware } from './http/ssi-middleware';
export { negotiateContentCoding } from './http/content-coding';
export type { ContentCoding } from './http/content-coding';
export { CachingFileSource } from './engine/caching-file-source';
export type { CachingFileSourceOptions } from './engine/caching-file-source';
export { createApp } from './http/app';
export type { AppOptions } from './http/app';
export { renderPage } from './engine/render';
export type { RenderResult } from './engine/render';
export type { RenderOptions } from './engine/render-options';
export type { RenderRequest } from './engine/render-request';
export type { RenderLimits } from './engine/render-limits';
export type { Dependency } from './engine/dependency-set';
export type { Diagnostic, DiagnosticCode } from './engine/diagnostics';
export { formatDiagnostic } from './engine/diagnostics';
export type { RequestDependence } from './engine/request-dependence';
export type { FileSource, FileInfo, FileContent, FileLookup } from './engine/file-source';
export { MemoryFileSource } from './engine/memory-file-source';
export { NodeFileSource } from './engine/node-file-source';
export { evaluatePreconditions } from './http/preconditions';
export { checkRevalidation } from './http/revalidation-check';
export { buildSite } from './build/build-site';
export type { BuildOptions } from './build/build-options';
export type { BuildReport } from './build/build-report';
export { NodeSiteLister } from './build/node-site-lister';
export { NodeOutputFs } from './build/node-output-fs';
