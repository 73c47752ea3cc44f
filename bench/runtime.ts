// Which Node the benchmarks run on, judged against package.json's engines: figures taken on a runtime the package
// does not support (Node 20 here is past its end of life) are not the figures its users get.

import fs from 'node:fs';

/** The lowest major version package.json's `engines.node` (`>=N`) accepts; undefined when it states none. */
export function supportedNodeMajor(packageJsonPath = 'package.json'): number | undefined {
  const manifest = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { engines?: { node?: string } };
  const match = /^\s*>=\s*(\d+)/.exec(manifest.engines?.node ?? '');
  return match ? Number(match[1]) : undefined;
}

/** `process.version`, with a warning when it is older than the engines allow, for results files and logs. */
export function nodeRuntime(): string {
  return describeNode(process.version, supportedNodeMajor());
}

/** `version` as nodeRuntime() tells it, for a package that supports Node `supported` and later (undefined: any). */
export function describeNode(version: string, supported: number | undefined): string {
  const major = Number(/^v(\d+)/.exec(version)?.[1]);
  return supported !== undefined && major < supported
    ? `${version} (below the package's engines, Node >= ${supported}: not a supported runtime)`
    : version;
}
