// The nginx include a build can publish beside its digest manifest: `map` blocks from `$uri` to the Repr-Digest and
// RFC 3230 Digest values, so a stock nginx mirror sends the origin's digests. Pure: config text, no I/O.

import { digestFieldValue, instanceDigestValue } from '../fields/integrity-fields';
import { compareCodeUnits, type FileDigest } from './digest-manifest';

/** Where the build writes the include when asked to (`--nginx-digests`). */
export const NGINX_DIGESTS_PATH = '/.well-known/cdn-include/nginx-digests.conf';

/** A path the include leaves out, and why. */
export interface OmittedPath {
  path: string;
  reason: string;
}

/** The include's text and the paths it could not name safely. */
export interface NginxDigestMapResult {
  text: string;
  omitted: OmittedPath[];
}

/** nginx's default `map_hash_max_size`, kept as the floor so small sites get what nginx would pick. */
const NGINX_HASH_MAX_SIZE = 2048;
/** The largest cache line nginx aligns `map_hash_bucket_size` to; a smaller size would be rounded up anyway. */
const NGINX_HASH_BUCKET_FLOOR = 64;
/** The size of a pointer on the 64-bit builds nginx runs on; its hash elements are laid out in pointers. */
const POINTER_BYTES = 8;

/**
 * The nginx include for `files`: `map_hash_*` sizes that fit the longest path, then `$cdn_include_repr_digest`
 * (`sha-256=:…:`, RFC 9530 §3) and `$cdn_include_digest` (`SHA-256=…`, RFC 3230), both empty on a 304, as the origin
 * sends no digest there. nginx matches map keys without regard to case, so paths that differ only in case are
 * omitted (either one would name the other's bytes), as are paths with control characters, which no config
 * string carries safely.
 * @example nginxDigestMap({ '/index.html': fileDigest(bytes) }).text // 'map $uri $cdn_include_repr_digest_of_uri {…'
 */
export function nginxDigestMap(files: Readonly<Record<string, FileDigest>>): NginxDigestMapResult {
  const omitted: OmittedPath[] = [];
  const byFolded = new Map<string, string[]>();
  for (const path of Object.keys(files).sort(compareCodeUnits)) {
    if (/[\u0000-\u001f\u007f]/.test(path)) {
      omitted.push({ path, reason: 'it holds a control character, which an nginx config string cannot' });
      continue;
    }
    const folded = foldCase(path);
    byFolded.set(folded, [...(byFolded.get(folded) ?? []), path]);
  }
  const kept: string[] = [];
  for (const paths of byFolded.values()) {
    if (paths.length === 1) kept.push(paths[0]);
    else
      for (const path of paths)
        omitted.push({
          path,
          reason: `nginx maps match without case, and ${paths.join(', ')} differ only in case`,
        });
  }
  kept.sort(compareCodeUnits);
  omitted.sort((a, b) => compareCodeUnits(a.path, b.path));
  return { text: includeText(files, kept), omitted };
}

/** The include's text for the paths kept, in order. */
function includeText(files: Readonly<Record<string, FileDigest>>, paths: readonly string[]): string {
  const reprDigest = (path: string) => digestFieldValue('sha-256', sha256Bytes(files[path]));
  const instanceDigest = (path: string) => instanceDigestValue(sha256Bytes(files[path]));
  return [
    '# Written by `cdn-include build --nginx-digests`; rewritten by every build. Include it in the http block,',
    '# before any other map (nginx fixes the map hash sizes at the first map), then in a server or location:',
    '#   add_header Repr-Digest $cdn_include_repr_digest;',
    '#   add_header Digest $cdn_include_digest;',
    `map_hash_bucket_size ${bucketSize(paths)};`,
    `map_hash_max_size ${Math.max(NGINX_HASH_MAX_SIZE, powerOfTwoAtLeast(paths.length * 2))};`,
    ...uriMap('$cdn_include_repr_digest_of_uri', paths, reprDigest),
    ...uriMap('$cdn_include_digest_of_uri', paths, instanceDigest),
    // RFC 9110 §15.4.5: a 304 sends no representation, and the origin sends no digest with it either.
    ...notOn304('$cdn_include_repr_digest', '$cdn_include_repr_digest_of_uri'),
    ...notOn304('$cdn_include_digest', '$cdn_include_digest_of_uri'),
  ].join('\n');
}

/**
 * One `map $uri` block. Every key starts with `/`, so none reads as a map keyword (`default`, `include`, …), a
 * regular expression (`~`) or an escaped key (a leading `\`).
 */
function uriMap(variable: string, paths: readonly string[], value: (path: string) => string): string[] {
  return [
    `map $uri ${variable} {`,
    ...paths.map((path) => `    ${nginxString(path)} ${nginxString(value(path))};`),
    '}',
  ];
}

function notOn304(variable: string, source: string): string[] {
  return [`map $status ${variable} {`, '    304 "";', `    default ${source};`, '}'];
}

/**
 * A double-quoted nginx config string: nginx's tokenizer reads `\"` and `\\` as the quote and the backslash, and
 * takes every other byte but a control character as is. A `$` would start a variable in a map's value only; keys
 * are literal, and values here are base64.
 */
export function nginxString(text: string): string {
  return `"${text.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

/**
 * The case-folded key nginx matches a map key by: it lowercases ASCII letters of both the key and the `$uri`
 * (ngx_hash_strlow), byte by byte, so other letters keep their case.
 */
function foldCase(path: string): string {
  return path.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * A `map_hash_bucket_size` that holds the longest key: nginx stores each key in a bucket as a pointer, its length
 * and its bytes aligned to a pointer, and a bucket also ends with a pointer.
 */
function bucketSize(paths: readonly string[]): number {
  const longest = paths.reduce((most, path) => Math.max(most, Buffer.byteLength(path)), 0);
  const element = POINTER_BYTES + Math.ceil((longest + 2) / POINTER_BYTES) * POINTER_BYTES;
  return Math.max(NGINX_HASH_BUCKET_FLOOR, powerOfTwoAtLeast(element + POINTER_BYTES));
}

function powerOfTwoAtLeast(value: number): number {
  let power = 1;
  while (power < value) power *= 2;
  return power;
}

function sha256Bytes(file: FileDigest): Buffer {
  return Buffer.from(file.sha256, 'base64');
}
