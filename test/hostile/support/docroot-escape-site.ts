// The docroot of the escape scenarios: a folder that a racer swaps for a symlink out of the root, a page that
// includes, sizes and dates a file in it, and a FIFO. Every byte that could only come from outside is marked.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The paths and tell-tales of one escape site. */
export interface EscapeSite {
  /** The docroot. */
  root: string;
  /** A unique marker found only in the file outside the root. */
  marker: string;
  /** How `#fsize` (sizefmt bytes) shows the outside file's size, and `#flastmod` (timefmt %Y) its year. */
  outsideSize: string;
  outsideYear: string;
  /** A folder outside the root holding nothing but one file, its marker and size both tell-tale. */
  outside: string;
}

const OUTSIDE_BYTES = 12345;

/**
 * Builds the site: `/data/f.txt` (inside, "inside\n", year 2020), `outside/f.txt` (a marker padded to 12,345 bytes,
 * year 1999), `/page.shtml` including, sizing and dating `/data/f.txt`, and the racer's two stashes: the real
 * `data` folder and a symlink to the outside folder, both hidden names inside the root.
 */
export function makeEscapeSite(): EscapeSite {
  const base = mkdtempSync(join(tmpdir(), 'cdn-include-escape-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, '.stash-real'), { recursive: true });
  mkdirSync(outside);
  const marker = `OUTSIDE-SECRET-${randomBytes(12).toString('hex')}`;
  writeFileSync(join(outside, 'f.txt'), marker.padEnd(OUTSIDE_BYTES, '#'));
  utimesSync(join(outside, 'f.txt'), new Date('1999-06-01'), new Date('1999-06-01'));
  writeFileSync(join(root, '.stash-real', 'f.txt'), 'inside\n');
  utimesSync(join(root, '.stash-real', 'f.txt'), new Date('2020-06-01'), new Date('2020-06-01'));
  symlinkSync(outside, join(root, '.stash-link'));
  writeFileSync(
    join(root, 'page.shtml'),
    '<!--#config sizefmt="bytes" timefmt="%Y" -->' +
      '[<!--#include virtual="/data/f.txt" -->]' +
      '[<!--#fsize virtual="/data/f.txt" -->]' +
      '[<!--#flastmod virtual="/data/f.txt" -->]\n',
  );
  writeFileSync(join(root, 'probe.html'), 'probe\n');
  writeFileSync(join(root, 'probe.shtml'), '<!--#include virtual="/probe.html" -->');
  return { root, marker, outsideSize: '12,345', outsideYear: '1999', outside };
}

/** True when a response body carries anything that only the outside file could have produced. */
export function showsOutside(site: EscapeSite, body: Buffer): boolean {
  const text = body.toString('latin1');
  return (
    text.includes(site.marker) ||
    text.includes(site.outsideSize) ||
    text.includes(String(OUTSIDE_BYTES)) ||
    text.includes(site.outsideYear)
  );
}

/** Starts the racer process swapping `/data` between the real folder and the symlink out of the root. */
export function startRacer(site: EscapeSite): ChildProcess {
  const script = join(__dirname, 'docroot-escape-racer.js');
  const args = [
    script,
    join(site.root, 'data'),
    join(site.root, '.stash-real'),
    join(site.root, '.stash-link'),
  ];
  return spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Stops the racer and returns how many swaps it made. */
export function stopRacer(racer: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let out = '';
    racer.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    racer.once('exit', () => resolve(Number(out.trim()) || 0));
    racer.kill('SIGTERM');
  });
}

/** Makes a FIFO at `path` (mkfifo(1): Node has no mkfifo). */
export function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}
