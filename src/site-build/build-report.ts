// What a build did, for the CLI to print: counts, per-page validators, and every problem found. Pure data.

import { type Diagnostic } from '../engine/diagnostics';
import { type RequestDependence } from '../engine/request-dependence';

/** Stable warning codes: scripts may filter on them, so never rename one. */
export type BuildWarningCode =
  | 'request-dependent'
  | 'last-modified-pending'
  | 'manifest-ignored'
  | 'reserved-path'
  | 'nginx-digests-omitted';

/** Something the build did that may not be what the site's owner expects; the files were still written. */
export interface BuildWarning {
  code: BuildWarningCode;
  /** The page concerned; undefined for the build as a whole. */
  path?: string;
  message: string;
}

/** A file the build could not render, copy or remove; the rest of the build went on. */
export interface BuildFailure {
  path: string;
  message: string;
}

/** An engine diagnostic, with the page whose render found it (`diagnostic.file` may be a fragment). */
export interface PageDiagnostic {
  page: string;
  diagnostic: Diagnostic;
}

/** One SSI page of the built site. */
export interface PageEntry {
  path: string;
  etag: string;
  /** The output file's mtime, as an HTTP-date. */
  lastModified: string;
  lastModifiedMs: number;
  /** Rendered by this build, rather than found up to date. */
  rendered: boolean;
  /** Why it was rendered, for display only (`'dependency /inc/nav.html changed'`). */
  reason?: string;
}

/** The outcome of buildSite. */
export interface BuildReport {
  /** Pages rendered and written. */
  rendered: number;
  /** Pages whose output was up to date. */
  skipped: number;
  /** Other files copied. */
  copied: number;
  /** Other files whose output already had the same size and mtime. */
  unchanged: number;
  /** Output files removed because their source is gone. */
  removed: number;
  /** Every page, rendered or not, sorted by path; failed pages are absent. */
  pages: PageEntry[];
  /** Problems inside pages, for every page of the site (a skipped page keeps those of its last render). */
  diagnostics: PageDiagnostic[];
  warnings: BuildWarning[];
  failures: BuildFailure[];
}

/** A warning for a page whose bytes depend on more than its files, or undefined when they do not. */
export function requestDependenceWarning(
  path: string,
  dependence: RequestDependence,
): BuildWarning | undefined {
  const reads: string[] = [];
  if (dependence.time) reads.push('the clock (DATE_LOCAL, DATE_GMT, TIME…)');
  if (dependence.client) reads.push("the client's address or environment (REMOTE_…, printenv)");
  if (dependence.headers.length > 0) reads.push(`request headers (${dependence.headers.join(', ')})`);
  if (reads.length === 0) return undefined;
  return {
    code: 'request-dependent',
    path,
    message:
      `${path} reads ${reads.join(' and ')}, which one static file cannot represent; ` +
      'it holds the output of a plain GET at build time. Serve it with cdn-include to keep it live.',
  };
}

/**
 * One line summing a build up.
 *
 * @example
 * summarizeBuild(report); // → '3 rendered, 40 up to date, 2 copied, 118 unchanged, 1 removed, 0 failed'
 */
export function summarizeBuild(report: BuildReport): string {
  return (
    `${report.rendered} rendered, ${report.skipped} up to date, ${report.copied} copied, ` +
    `${report.unchanged} unchanged, ${report.removed} removed, ${report.failures.length} failed`
  );
}
