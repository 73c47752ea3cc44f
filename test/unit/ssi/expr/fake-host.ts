// A recording in-memory ExpressionHost for expression tests. Pure: no I/O.

import type { ByteString } from '../../../../src/ssi/byte-string';
import type { ExpressionHost } from '../../../../src/ssi/expr';

/** What a test page knows; every field optional. */
export interface FakeHostOptions {
  variables?: Record<string, ByteString>;
  serverVariables?: Record<string, ByteString>;
  requestHeaders?: Record<string, ByteString>;
  responseHeaders?: Record<string, ByteString>;
  notes?: Record<string, ByteString>;
  osEnvironment?: Record<string, ByteString>;
  remoteAddress?: string;
  accessibleUrls?: string[];
  accessibleFiles?: string[];
}

/** The fake host plus what it recorded. */
export interface FakeHost extends ExpressionHost {
  readonly headerReads: Array<{ name: string; vary: boolean }>;
  readonly captureHistory: Array<ReadonlyArray<ByteString | undefined> | null>;
  readonly urlChecks: string[];
  readonly variableReads: string[];
}

function lookupCaseInsensitive(
  table: Record<string, ByteString> | undefined,
  name: string,
): ByteString | undefined {
  if (!table) return undefined;
  const key = Object.keys(table).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : table[key];
}

/** Builds a host whose $0..$9 follow mod_include's rules (undefined when no match or out of range). */
export function fakeHost(options: FakeHostOptions = {}): FakeHost {
  let captures: ReadonlyArray<ByteString | undefined> | null = null;
  const host: FakeHost = {
    headerReads: [],
    captureHistory: [],
    urlChecks: [],
    variableReads: [],
    variable(name) {
      host.variableReads.push(name);
      if (/^[0-9]$/.test(name)) return captures?.[Number(name)];
      return lookupCaseInsensitive(options.variables, name);
    },
    serverVariable: (name) => options.serverVariables?.[name] ?? '',
    requestHeader(name, { vary }) {
      host.headerReads.push({ name, vary });
      return lookupCaseInsensitive(options.requestHeaders, name);
    },
    responseHeader: (name) => lookupCaseInsensitive(options.responseHeaders, name),
    note: (name) => options.notes?.[name],
    osEnvironment: (name) => options.osEnvironment?.[name],
    remoteAddress: () => options.remoteAddress ?? '127.0.0.1',
    isUrlAccessible(url) {
      host.urlChecks.push(url);
      return (options.accessibleUrls ?? []).includes(url);
    },
    isFileAccessible: (path) => (options.accessibleFiles ?? []).includes(path),
    setCaptures(next) {
      captures = next === null ? null : [...next];
      host.captureHistory.push(captures);
    },
  };
  return host;
}

/** The environment the Apache-verified table was recorded in (see apache-verified.ts). */
export function verifiedHost(): FakeHost {
  return fakeHost({
    variables: { x: 'foo', a: 'b', y: 'axb', sp: 'a b' },
    serverVariables: { QUERY_STRING: 'id=42' },
    requestHeaders: { Host: '127.0.0.1:18082', Accept: '*/*', 'User-Agent': 'curl' },
    remoteAddress: '127.0.0.1',
    accessibleUrls: ['/exists.html'],
  });
}
