// The build manifest: what each output file was built from and with, so the next build can tell what is stale
// and keep every page's Last-Modified moving forward. Pure: (de)serialization and checks, no I/O.

import { type DependencyRole } from '../engine/dependency-set';
import { isRacy } from '../engine/racy-stamp';
import { type Diagnostic } from '../engine/diagnostics';
import { entityTagOfBase64Digest } from '../engine/validators';
import { type RequestDependence } from '../engine/request-dependence';
import { compareCodeUnits } from './digest-manifest';
import { type OutputFileInfo } from './output-fs';
import { type RecordedDependency } from './racy-digests';

/**
 * The manifest format written. Version 1 (every page listing its dependencies in full) is still read, and
 * written again as this one; a manifest of any other version is ignored and everything is rebuilt.
 */
export const MANIFEST_VERSION = 2;

/** What the manifest remembers about one rendered page. */
export interface PageRecord {
  /** Strong ETag of the bytes written. */
  etag: string;
  /** The output file's mtime as an HTTP-date (IMF-fixdate). */
  lastModified: string;
  /** The same instant in epoch milliseconds, a whole second. */
  lastModifiedMs: number;
  /**
   * Set when the bytes changed within the second of the previous Last-Modified, so no honest newer date existed
   * yet: the next build re-renders the page and stamps it with its own start time.
   */
  lastModifiedPending?: boolean;
  /** The output file as written; a different size or mtime means someone changed it. */
  output: OutputFileInfo;
  /**
   * Base64 SHA-256 of the bytes written, for the digest manifest (digest-manifest.ts). Absent in manifests of
   * builds before it was kept: such a page is rendered again.
   */
  sha256?: string;
  /** Every file the render depended on, missing ones included; empty forces a re-render. */
  dependencies: RecordedDependency[];
  requestDependence: RequestDependence;
  /** Problems found inside the page, repeated in every build's report until the page is fixed. */
  diagnostics: Diagnostic[];
}

/** What the manifest remembers about one copied file: the output as written and what the digest manifest says of it. */
export interface FileRecord extends OutputFileInfo {
  /** Base64 SHA-256 of the bytes; absent in manifests of builds before it was kept: such a file is copied again. */
  sha256?: string;
  /** Strong ETag of the bytes; present exactly when `sha256` is. */
  etag?: string;
}

/** The manifest of one output folder. */
export interface Manifest {
  version: typeof MANIFEST_VERSION;
  /** Hash of the render options that affect output (and of the generator); a change re-renders everything. */
  optionsHash: string;
  /** When the build that wrote this manifest started, as an HTTP-date. */
  builtAt: string;
  /** Rendered pages by docroot path. */
  pages: Record<string, PageRecord>;
  /** Copied files by docroot path, with the output file as written. */
  files: Record<string, FileRecord>;
}

/** The manifest before any build. */
export function emptyManifest(): Manifest {
  return { version: MANIFEST_VERSION, optionsHash: '', builtAt: '', pages: {}, files: {} };
}

/**
 * Manifest text: stable key order, so two builds of the same site give the same text; one line per page or file,
 * without indentation, as the manifest of a big site is read by every build and indenting nearly doubles it. The
 * dependencies are written once each, in a `sources` table that the pages name by index: pages share most of
 * theirs (header, footer, navigation), and written out in every page they were three quarters of the text. An
 * entry is `[path, role, exists, size, mtimeMs]`, and the SHA-256 of the bytes read after those when the stamp was
 * racy (see racy-digests.ts).
 */
export function serializeManifest(manifest: Manifest): string {
  const { pages, files, ...head } = manifest;
  const fields = Object.entries(head).map(
    ([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`,
  );
  const sources = new SourceTable();
  const pageLines = recordLines(pages, (record: PageRecord) => ({
    ...record,
    dependencies: record.dependencies.map((dependency) => sources.indexOf(dependency)),
  }));
  return `{${fields.join(',')},\n"sources":${sources.text()},\n"pages":${pageLines},\n"files":${recordLines(files)}\n}\n`;
}

/** A JSON object of one entry per line, sorted by key, each value as `written` gives it. */
function recordLines<T>(
  record: Record<string, T>,
  written: (value: T) => unknown = (value) => value,
): string {
  const keys = Object.keys(record).sort(compareCodeUnits);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(written(record[key]))}`).join(',\n')}\n}`;
}

/** The distinct dependencies of a manifest, numbered in the order first met. */
class SourceTable {
  /** The entries met so far by path: most paths have one (a fragment changed during the build, two). */
  private readonly byPath = new Map<string, Array<{ source: RecordedDependency; index: number }>>();
  private readonly entries: string[] = [];

  indexOf(dependency: RecordedDependency): number {
    // By path, then field by field: a key string or JSON made for each of the tens of thousands of dependencies
    // met cost more than the rest of the manifest.
    let known = this.byPath.get(dependency.path);
    if (known === undefined) {
      known = [];
      this.byPath.set(dependency.path, known);
    }
    for (const { source, index } of known) if (isSameSource(source, dependency)) return index;
    const { path, role, exists, size, mtimeMs, sha256 } = dependency;
    const entry = [path, role, exists, size, mtimeMs];
    if (sha256 !== undefined) entry.push(sha256);
    const index = this.entries.push(JSON.stringify(entry)) - 1;
    known.push({ source: dependency, index });
    return index;
  }

  /** The table as a JSON array, one entry per line. */
  text(): string {
    return this.entries.length === 0 ? '[]' : `[\n${this.entries.join(',\n')}\n]`;
  }
}

/** True when two dependencies of one path are written as the same source entry. */
function isSameSource(a: RecordedDependency, b: RecordedDependency): boolean {
  return (
    a.role === b.role &&
    a.exists === b.exists &&
    sameNumber(a.size, b.size) &&
    sameNumber(a.mtimeMs, b.mtimeMs) &&
    a.sha256 === b.sha256
  );
}

/** Equal as JSON writes them: NaN is NaN, -0 is 0. */
function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Reads manifest text; a problem (bad JSON, other version, bad shape) is described instead of thrown. */
export function parseManifest(text: string):
  | {
      ok: true;
      manifest: Manifest;
      /** The text is not current (an older version, or ETags of an older form): write it again. */
      outdated?: true;
    }
  | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'it is not valid JSON' };
  }
  if (!isRecord(value)) return { ok: false, problem: 'it is not a JSON object' };
  if (value.version !== MANIFEST_VERSION && value.version !== 1) {
    return { ok: false, problem: `its version is ${String(value.version)}, not ${MANIFEST_VERSION}` };
  }
  const { optionsHash, builtAt, files } = value;
  const pages = value.version === 1 ? value.pages : withSources(value.pages, value.sources);
  if (
    typeof optionsHash !== 'string' ||
    typeof builtAt !== 'string' ||
    !isRecord(pages) ||
    !isRecord(files)
  ) {
    return { ok: false, problem: 'its fields are malformed' };
  }
  const badPage = Object.keys(pages).find((path) => !isPageRecord(pages[path]));
  const badFile = Object.keys(files).find((path) => !isFileRecord(files[path]));
  if (badPage !== undefined || badFile !== undefined) {
    return { ok: false, problem: `its entry for ${badPage ?? badFile} is malformed` };
  }
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    optionsHash,
    builtAt,
    pages: pages as Record<string, PageRecord>,
    files: files as Record<string, FileRecord>,
  };
  const renewed = withCurrentEntityTags(manifest);
  return renewed || value.version !== MANIFEST_VERSION
    ? { ok: true, manifest, outdated: true }
    : { ok: true, manifest };
}

/**
 * The pages of a version 2 manifest with each dependency index replaced by its entry of `sources` (one object
 * per entry, shared by the pages that name it, and frozen: a record is replaced, never changed). Whatever is
 * malformed is left for isPageRecord to find: an index that names no entry becomes undefined.
 */
function withSources(pages: unknown, sources: unknown): unknown {
  if (!isRecord(pages) || !Array.isArray(sources)) return undefined;
  const dependencies = sources.map((entry: unknown) => {
    if (!Array.isArray(entry) || (entry.length !== 5 && entry.length !== 6)) return undefined;
    const [path, role, exists, size, mtimeMs, sha256] = entry as unknown[];
    return Object.freeze(
      entry.length === 5
        ? { path, role, exists, size, mtimeMs }
        : { path, role, exists, size, mtimeMs, sha256 },
    );
  });
  for (const record of Object.values(pages)) {
    if (isRecord(record) && Array.isArray(record.dependencies)) {
      record.dependencies = record.dependencies.map((index: unknown) =>
        typeof index === 'number' ? dependencies[index] : undefined,
      );
    }
  }
  return pages;
}

/**
 * Gives every record that keeps its SHA-256 the ETag this version sends for those bytes (entityTagOfBase64Digest).
 * A manifest written while ETags were SHA-1 tags holds the older form: compared as it is, every unchanged page would
 * look changed and get a new Last-Modified, and the digest manifest would publish tags no server sends. True when
 * a tag changed, so that both manifests are written again even when no page is.
 */
function withCurrentEntityTags(manifest: Manifest): boolean {
  let renewed = false;
  const renew = (record: { sha256?: string; etag?: string }, size: number) => {
    if (record.sha256 === undefined) return;
    const etag = entityTagOfBase64Digest(size, record.sha256);
    if (record.etag !== etag) renewed = true;
    record.etag = etag;
  };
  for (const record of Object.values(manifest.pages)) renew(record, record.output.size);
  for (const record of Object.values(manifest.files)) renew(record, record.size);
  return renewed;
}

/** An epoch-ms time as an HTTP-date (IMF-fixdate, RFC 9110 §5.6.7), which toUTCString produces. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

const ROLES: readonly DependencyRole[] = ['page', 'include', 'file-info', 'access-check'];

function isPageRecord(value: unknown): value is PageRecord {
  return (
    isRecord(value) &&
    typeof value.etag === 'string' &&
    typeof value.lastModified === 'string' &&
    typeof value.lastModifiedMs === 'number' &&
    (value.lastModifiedPending === undefined || typeof value.lastModifiedPending === 'boolean') &&
    isOutputFileInfo(value.output) &&
    (value.sha256 === undefined || typeof value.sha256 === 'string') &&
    Array.isArray(value.dependencies) &&
    value.dependencies.every(isDependency) &&
    isRequestDependence(value.requestDependence) &&
    Array.isArray(value.diagnostics) &&
    value.diagnostics.every(isDiagnostic)
  );
}

function isDependency(value: unknown): value is RecordedDependency {
  return (
    isRecord(value) &&
    typeof value.path === 'string' &&
    ROLES.includes(value.role as DependencyRole) &&
    typeof value.exists === 'boolean' &&
    typeof value.size === 'number' &&
    typeof value.mtimeMs === 'number' &&
    (value.sha256 === undefined || typeof value.sha256 === 'string')
  );
}

function isRequestDependence(value: unknown): value is RequestDependence {
  return (
    isRecord(value) &&
    Array.isArray(value.headers) &&
    value.headers.every((header) => typeof header === 'string') &&
    typeof value.personal === 'boolean' &&
    typeof value.client === 'boolean' &&
    typeof value.time === 'boolean'
  );
}

function isDiagnostic(value: unknown): value is Diagnostic {
  return (
    isRecord(value) &&
    typeof value.code === 'string' &&
    typeof value.message === 'string' &&
    typeof value.file === 'string' &&
    typeof value.line === 'number' &&
    Array.isArray(value.includeChain)
  );
}

function isFileRecord(value: unknown): value is FileRecord {
  return (
    isOutputFileInfo(value) &&
    (value.sha256 === undefined || typeof value.sha256 === 'string') &&
    (value.etag === undefined || typeof value.etag === 'string')
  );
}

function isOutputFileInfo(value: unknown): value is OutputFileInfo & Record<string, unknown> {
  return isRecord(value) && typeof value.size === 'number' && typeof value.mtimeMs === 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How many stamps of `manifest` a build that starts at `buildStart` cannot trust and must check by their bytes: the
 * existing dependencies of its pages and the files it copied whose mtime is racy at that start.
 */
export function racyStampCount(manifest: Pick<Manifest, 'pages' | 'files'>, buildStart: number): number {
  let count = 0;
  for (const page of Object.values(manifest.pages)) {
    for (const { exists, mtimeMs } of page.dependencies) if (exists && isRacy(mtimeMs, buildStart)) count++;
  }
  for (const file of Object.values(manifest.files)) if (isRacy(file.mtimeMs, buildStart)) count++;
  return count;
}
