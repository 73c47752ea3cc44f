// Writes the benchmark site (three SSI pages and their fragments) into a folder. Deterministic: the same bytes
// on every run, so every server is measured on identical input. Writes only under the given folder.

import fs from 'node:fs';
import path from 'node:path';

/** One page of the benchmark site. */
export interface BenchPage {
  /** Short name used in the table. */
  name: string;
  /** URL path of the SSI page. */
  ssiPath: string;
  /** URL path of the pre-rendered copy under /static/ (written later from cdn-include's build). */
  staticPath: string;
  /** What the page exercises, for the results file. */
  description: string;
}

/** The three pages every row is measured on. */
export const BENCH_PAGES: readonly BenchPage[] = [
  {
    name: '12k',
    ssiPath: '/page-12k.shtml',
    staticPath: '/static/page-12k.html',
    description: '12 KB page, 10 includes (7 in the page, 3 nested one level down)',
  },
  {
    name: 'deep',
    ssiPath: '/deep.shtml',
    staticPath: '/static/deep.html',
    description: 'deep page: the page plus 9 nested includes, 10 levels in all',
  },
  {
    name: '500k',
    ssiPath: '/page-500k.shtml',
    staticPath: '/static/page-500k.html',
    description: '500 KB page, 50 includes of ~10 KB fragments',
  },
];

/** Levels of the deep page, counting the page itself. */
const DEEP_LEVELS = 10;

const WORDS = (
  'origin server side include fragment header footer navigation cache validator revalidate edge content ' +
  'modified entity tag response request page site render expand nested directive virtual file byte'
).split(' ');

/** Deterministic HTML filler of exactly `bytes` bytes (ASCII), tagged so a lost fragment is visible. */
export function filler(bytes: number, seed: number): string {
  let text = `<p data-seed="${seed}">`;
  for (let index = seed; text.length < bytes; index += 7) {
    text += `${WORDS[index % WORDS.length]}${index % 13 === 0 ? '.</p>\n<p>' : ' '}`;
  }
  return `${text.slice(0, Math.max(0, bytes - 5))}</p>\n`.slice(0, bytes);
}

function include(urlPath: string): string {
  return `<!--#include virtual="${urlPath}" -->\n`;
}

function page12k(): Record<string, string> {
  const files: Record<string, string> = {
    'inc/logo.html': filler(600, 1),
    'inc/header.shtml': `<header>\n${include('/inc/logo.html')}${filler(500, 2)}</header>\n`,
    'inc/nav-items.html': filler(700, 3),
    'inc/nav.shtml': `<nav>\n${include('/inc/nav-items.html')}</nav>\n`,
    'inc/related.html': filler(600, 4),
    'inc/sidebar.shtml': `<aside>\n${include('/inc/related.html')}${filler(400, 5)}</aside>\n`,
    'inc/news-1.html': filler(900, 6),
    'inc/news-2.html': filler(900, 7),
    'inc/ad.html': filler(500, 8),
    'inc/footer.html': filler(600, 9),
  };
  const top = [
    'header.shtml',
    'nav.shtml',
    'sidebar.shtml',
    'news-1.html',
    'news-2.html',
    'ad.html',
    'footer.html',
  ];
  files['page-12k.shtml'] =
    '<!DOCTYPE html>\n<html><head><title>12 KB page</title></head><body>\n' +
    top.map((name, index) => include(`/inc/${name}`) + filler(750, 10 + index)).join('') +
    '</body></html>\n';
  return files;
}

function deepPage(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let level = 1; level < DEEP_LEVELS; level++) {
    const next = level + 1 < DEEP_LEVELS ? include(`/inc/deep-${level + 1}.shtml`) : '';
    files[`inc/deep-${level}.shtml`] =
      `<div class="level-${level}">\n${filler(300, 20 + level)}${next}</div>\n`;
  }
  files['deep.shtml'] =
    '<!DOCTYPE html>\n<html><head><title>deep page</title></head><body>\n' +
    filler(1000, 20) +
    include('/inc/deep-1.shtml') +
    '</body></html>\n';
  return files;
}

function page500k(): Record<string, string> {
  const files: Record<string, string> = {};
  let body = '<!DOCTYPE html>\n<html><head><title>500 KB page</title></head><body>\n';
  for (let block = 1; block <= 50; block++) {
    const name = `inc/block-${String(block).padStart(2, '0')}.html`;
    files[name] = filler(9800, 100 + block);
    body += include(`/${name}`) + filler(200, 200 + block);
  }
  files['page-500k.shtml'] = `${body}</body></html>\n`;
  return files;
}

/**
 * Writes the SSI source of the three pages under `root` (folders 0755, files 0644, so servers that drop
 * privileges to www-data can read them).
 */
export function writeBenchSite(root: string): void {
  const files = { ...page12k(), ...deepPage(), ...page500k() };
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, text, { mode: 0o644 });
  }
}
