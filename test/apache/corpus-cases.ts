// Finds the cases of the differential run: every case file of the corpus plus the extra requests of requests.json.
// Also reads known-differences.json. Reads files only; runs no server.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One request sent to both servers and compared. */
export interface CorpusCase {
  /** The test name and the key in known-differences.json: the path, plus the headers if any. */
  name: string;
  /** Request target: path and optional query, percent-encoded as sent. */
  path: string;
  /** Extra request headers, sent to both servers alike. */
  headers: Record<string, string>;
}

/** One entry of requests.json. */
interface ExtraRequest {
  path: string;
  headers?: Record<string, string>;
  note?: string;
}

/**
 * Every `*.shtml` directly inside a group folder whose name does not start with `_`, requested as
 * `/<group>/<file>`, sorted, followed by the entries of requests.json in their order.
 */
export function findCases(corpus: string, requestsFile: string): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const groups = readdirSync(corpus, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  for (const group of groups.map((entry) => entry.name).sort()) {
    const files = readdirSync(join(corpus, group), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.shtml') && !entry.name.startsWith('_'))
      .map((entry) => entry.name)
      .sort();
    for (const file of files) cases.push(caseFor(`/${group}/${file}`, {}));
  }
  for (const request of readExtraRequests(requestsFile))
    cases.push(caseFor(request.path, request.headers ?? {}));
  // A request listed twice (or a corpus file also in requests.json) is one case.
  const seen = new Set<string>();
  return cases.filter((entry) => !seen.has(entry.name) && seen.add(entry.name));
}

/** Reads known-differences.json: case name → reason. A missing file means none. */
export function readKnownDifferences(file: string): Map<string, string> {
  if (!existsSync(file)) return new Map();
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file}: expected an object { "/group/case.shtml": "reason" }`);
  }
  return new Map(Object.entries(parsed).map(([name, reason]) => [name, String(reason)]));
}

/** A case's name: its path, then ` [Name: value; …]` when it sends extra headers. */
export function caseName(path: string, headers: Record<string, string>): string {
  const fields = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return fields.length === 0 ? path : `${path} [${fields.join('; ')}]`;
}

function caseFor(path: string, headers: Record<string, string>): CorpusCase {
  return { name: caseName(path, headers), path, headers };
}

function readExtraRequests(file: string): ExtraRequest[] {
  if (!existsSync(file)) return [];
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed))
    throw new Error(`${file}: expected an array of { "path": "/group/x.shtml?k=1" }`);
  return parsed.map((entry: unknown, index) => {
    if (!isExtraRequest(entry)) {
      throw new Error(`${file}[${index}]: needs "path" starting with '/' and optional string "headers"`);
    }
    return entry;
  });
}

function isExtraRequest(entry: unknown): entry is ExtraRequest {
  if (!entry || typeof entry !== 'object') return false;
  const { path, headers } = entry as { path?: unknown; headers?: unknown };
  if (typeof path !== 'string' || !path.startsWith('/')) return false;
  if (headers === undefined) return true;
  if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return false;
  return Object.values(headers).every((value) => typeof value === 'string');
}
