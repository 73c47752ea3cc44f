// Hostile-suite helper for the validator-ledger proofs: a page with nested includes in a temporary docroot, the
// deploy-style changes that keep or move mtimes backwards (cp -p, deletion, a same-size same-mtime rewrite), and
// the staleness test of a 304: the bytes the client holds differ from what a 200 sends now.

import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ServerChild, stopServer } from '../../soak/server-child';
import { type Answer, getAnswer } from './consistency-ext4';

/** The page every proof revalidates: it includes /inc/outer.shtml, which includes the two nested fragments. */
export const PAGE = '/page.shtml';

/** Epoch seconds of the site's files: a fixed day in the past, one second apart, the nested fragments newest. */
const BASE_SECONDS = Date.UTC(2024, 0, 15, 12, 0, 0) / 1000;

/** A docroot (and a state home beside it, so the default state folder is the test's own). */
export interface ProofSite {
  root: string;
  /** The XDG_STATE_HOME to give the server: the default state folder lies under it. */
  stateHome: string;
  /** The environment for startServer: this process's, with the site's own state home. */
  env: NodeJS.ProcessEnv;
  path(file: string): string;
  remove(): void;
}

/** Writes the page, its outer include and two nested fragments with whole-second mtimes in the past. */
export function makeProofSite(): ProofSite {
  const base = mkdtempSync(join(tmpdir(), 'cdn-include-ledger-'));
  const root = join(base, 'site');
  const stateHome = join(base, 'state-home');
  const files: Array<[string, string]> = [
    ['page.shtml', '<h1>page</h1><!--#include virtual="/inc/outer.shtml" -->\n'],
    [
      'inc/outer.shtml',
      '<div><!--#include virtual="/inc/nested.html" --><!--#include virtual="/inc/extra.html" --></div>',
    ],
    ['inc/nested.html', 'nested version 1'],
    ['inc/extra.html', 'extra version 1'],
  ];
  files.forEach(([file, text], index) => writeFile(join(root, file), text, BASE_SECONDS + index));
  // Folders dated in the past too, as `rsync -a` or `tar x` leave them.
  for (const folder of [join(root, 'inc'), root]) utimesSync(folder, BASE_SECONDS, BASE_SECONDS);
  mkdirSync(stateHome, { recursive: true });
  return {
    root,
    stateHome,
    env: { ...process.env, XDG_STATE_HOME: stateHome },
    path: (file) => join(root, file),
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** The changes a deploy makes that a date alone cannot see, each applied to a nested fragment. */
export const BACKWARD_CHANGES: Array<[string, (site: ProofSite) => void]> = [
  [
    'an older-mtime swap (cp -p)',
    (site) => writeFile(site.path('inc/nested.html'), 'nested version 2, restored', BASE_SECONDS - 86_400),
  ],
  [
    'a deleted nested include',
    (site) => {
      // As `rsync -a --delete` leaves it: the file gone, its folder's mtime the source's (older) one.
      const folder = site.path('inc');
      const { mtime } = statSync(folder);
      unlinkSync(site.path('inc/extra.html'));
      utimesSync(folder, mtime, mtime);
    },
  ],
  [
    'a same-size same-mtime swap',
    (site) => {
      const file = site.path('inc/nested.html');
      const { mtime, size } = statSync(file);
      const text = 'nested version 9';
      if (text.length !== size) throw new Error('the swap must keep the size');
      writeFileSync(file, text);
      utimesSync(file, mtime, mtime);
    },
  ],
];

/** Replaces `file` by `text` dated `mtimeSeconds`, as `cp -p` of an older file does. */
export function writeFile(file: string, text: string, mtimeSeconds: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

/** A 200 a client (an edge) keeps: its bytes and validators. */
export interface Held {
  body: string;
  etag: string;
  lastModified: string;
}

/** GETs `path` and keeps it; fails unless it is a 200 with both validators. */
export async function holdPage(origin: string, path = PAGE): Promise<Held> {
  const answer = await getAnswer(origin + path);
  const etag = answer.headers.etag;
  const lastModified = answer.headers['last-modified'];
  if (answer.status !== 200 || typeof etag !== 'string' || typeof lastModified !== 'string') {
    throw new Error(
      `expected a 200 with ETag and Last-Modified for ${path}, got ${answer.status} (ETag ${String(etag)}, Last-Modified ${String(lastModified)})`,
    );
  }
  return { body: answer.body, etag, lastModified };
}

/**
 * Like holdPage, once the page has a Last-Modified again: new bytes served within the second of the previous date
 * go out without one (two versions in one second cannot be told apart by date), so this retries for up to 3 s.
 */
export async function holdSettledPage(origin: string, path = PAGE): Promise<Held> {
  const deadline = Date.now() + 3000;
  for (;;) {
    try {
      return await holdPage(origin, path);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A revalidation's answer, and whether it was a stale 304. */
export interface Revalidation {
  answer: Answer;
  stale: boolean;
}

/**
 * Sends `headers` on a new connection and judges the answer: a 304 is stale when the bytes `held` differ from the
 * body of an unconditional GET sent right after (what a 200 sends now; RFC 9110 §15.4.5).
 */
export async function revalidate(
  origin: string,
  held: Held,
  headers: Record<string, string>,
  path = PAGE,
): Promise<Revalidation> {
  const answer = await getAnswer(origin + path, headers);
  if (answer.status !== 304) return { answer, stale: false };
  const now = await getAnswer(origin + path);
  return { answer, stale: now.body !== held.body };
}

/** The files under `folder` and their total bytes (0, 0 when it does not exist). */
export function folderSize(folder: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        files++;
        bytes += statSync(full).size;
      }
    }
  };
  try {
    walk(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { files, bytes };
}

/** A fresh proof site per test, and the server a test started there, stopped after it (the suites' shared setup). */
export interface ProofFixture {
  site: ProofSite;
  server: ServerChild | undefined;
}

/** Registers the beforeEach/afterEach that give every test of the describe block its own ProofFixture. */
export function useProofFixture(): ProofFixture {
  const fixture = { server: undefined } as ProofFixture;
  beforeEach(() => {
    fixture.site = makeProofSite();
  });
  afterEach(async () => {
    if (fixture.server) await stopServer(fixture.server);
    fixture.server = undefined;
    fixture.site.remove();
  });
  return fixture;
}
