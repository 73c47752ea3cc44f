// The site of `npm run test:mirrors` and the three copies of its build output the mirrors serve: m1 the current
// build, m2 the build before (a page, a small file and the 64 MiB file changed since), m3 the current build after a
// sync that deleted half the small files and wrote a manifest of what is left. Written to temp folders, never
// committed: the big file is made here from a fixed seed.

import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliOnce } from '../support/running-cli';
import { at, TempSite } from '../support/temp-site';

/** Where `build` writes the digest manifest, and mirrors publish it. */
export const MANIFEST = '/.well-known/cdn-include/manifest.json';
/** The big file, changed between the two builds, so m2 (a build behind) holds other bytes of it. */
export const BIG = '/big.bin';
/** The big file's size: 64 MiB. */
export const BIG_BYTES = 64 * 1024 * 1024;
/** Small files; /files/b.txt changes between the builds. m1 and m2 hold all of them. */
export const SMALL = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((name) => `/files/${name}.txt`);
/** The small files m3 holds (b, d, f, h): its sync deleted the others, and their manifest entries. */
export const KEPT_ON_M3 = SMALL.filter((_, index) => index % 2 === 1);
/** A page built from a fragment, the same in both builds. */
export const PAGE = '/index.shtml';
/** A page whose bytes depend on the request: no one digest, never offered on a mirror. */
export const REQUEST_DEPENDENT = '/client.shtml';
/** A file a cache rule makes `private`. */
export const PRIVATE = '/private/note.txt';

/** `bytes` deterministic bytes (xorshift32 from `seed`), fast enough for 64 MiB. */
export function deterministicBytes(bytes: number, seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(bytes / 4));
  let state = seed >>> 0 || 1;
  for (let index = 0; index < words.length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    words[index] = state;
  }
  return Buffer.from(words.buffer, 0, bytes);
}

/** The folders of one run: the source, its two builds, and each mirror's copy. */
export interface MirrorSite {
  source: TempSite;
  /** The current build's output (what the origin serves, as pages rendered from `source`). */
  current: string;
  /** Each mirror's docroot. */
  copies: { m1: string; m2: string; m3: string };
  /** The current build's digest manifest: path → size, sha256 (base64), etag. */
  manifest: Record<string, { size: number; sha256: string; etag: string }>;
  /** Deletes the source, the builds and the copies. */
  remove(): void;
}

/** Writes the site, builds it twice (with a change between) and makes the three mirror copies. */
export async function makeMirrorSite(): Promise<MirrorSite> {
  const folders: string[] = [];
  const folder = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'cdn-include-mirrors-'));
    folders.push(made);
    return made;
  };
  const source = new TempSite()
    .write('inc/nav.html', '<nav>home | news</nav>\n', at(1))
    .write(PAGE.slice(1), '<!--#include virtual="/inc/nav.html" --><p>home</p>\n', at(2))
    .write('news.shtml', '<!--#include virtual="/inc/nav.html" --><p>news of Monday</p>\n', at(3))
    .write(REQUEST_DEPENDENT.slice(1), '<p>you are <!--#echo var="REMOTE_ADDR" --></p>\n', at(4))
    .write(PRIVATE.slice(1), 'for the account only\n', at(5))
    .write(BIG.slice(1), deterministicBytes(BIG_BYTES, 1), at(6));
  for (const path of SMALL) source.write(path.slice(1), `bytes of ${path}, first build\n`, at(7));
  const previous = await build(source.root, folder());
  source
    .write('news.shtml', '<!--#include virtual="/inc/nav.html" --><p>news of Tuesday</p>\n', at(10))
    .write('files/b.txt', 'bytes of /files/b.txt, second build\n', at(10))
    .write(BIG.slice(1), deterministicBytes(BIG_BYTES, 2), at(10));
  const current = await build(source.root, folder());
  const copies = { m1: folder(), m2: folder(), m3: folder() };
  cpSync(current, copies.m1, { recursive: true });
  cpSync(previous, copies.m2, { recursive: true });
  cpSync(current, copies.m3, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(current, MANIFEST), 'utf8')).files;
  syncPartOf(copies.m3, KEPT_ON_M3);
  const remove = () => {
    source.remove();
    for (const made of folders) rmSync(made, { recursive: true, force: true });
  };
  return { source, current, copies, manifest, remove };
}

async function build(root: string, out: string): Promise<string> {
  const outcome = await runCliOnce(['build', root, '--out', out, '--nginx-digests']);
  if (outcome.code !== 0) throw new Error(`build failed (${outcome.code}): ${outcome.stderr}`);
  return out;
}

/** Deletes the small files not in `kept` from the copy in `folder`, and their entries from its manifest. */
function syncPartOf(folder: string, kept: readonly string[]): void {
  const manifestFile = join(folder, MANIFEST);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  for (const path of SMALL.filter((small) => !kept.includes(small))) {
    unlinkSync(join(folder, path));
    delete manifest.files[path];
  }
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Flips one byte in each MiB of `file` in place (XOR 0xff at offset 4321 of each), keeping its size. */
export function corruptCopy(file: string): void {
  const bytes = readFileSync(file);
  for (let offset = 4321; offset < bytes.length; offset += 1024 * 1024) bytes[offset] ^= 0xff;
  writeFileSync(file, bytes);
}
