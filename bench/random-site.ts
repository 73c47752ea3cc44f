// The random-access site: many distinct small SSI pages (far more rendered bytes than the default render cache
// holds) sharing a header, a footer and one nested section fragment per 1% of the pages; and the wrk script that
// asks for a random one of them per request. Deterministic: the same bytes and the same request sequence on
// every run and for every server. Writes only under the given folder.

import fs from 'node:fs';
import path from 'node:path';
import { filler } from './sites';

/** Pages per folder (`/r/d7/` holds pages 700–799) and the number of section fragments they share. */
const PAGES_PER_FOLDER = 100;
const SECTIONS = 100;

/** The URL path of page `index`. */
export function randomPagePath(index: number): string {
  return `/r/d${Math.floor(index / PAGES_PER_FOLDER)}/p${index}.shtml`;
}

function include(urlPath: string): string {
  return `<!--#include virtual="${urlPath}" -->\n`;
}

/** The SSI source of page `index`: about 1 KB of its own, about 3 KB rendered. */
function pageSource(index: number): string {
  return (
    `<!DOCTYPE html>\n<html><head><title>page ${index}</title></head><body>\n` +
    include('/r/inc/header.html') +
    `<main>\n${filler(1000, index)}</main>\n` +
    include(`/r/inc/section-${index % SECTIONS}.shtml`) +
    include('/r/inc/footer.html') +
    '</body></html>\n'
  );
}

/**
 * Writes `pages` pages and their fragments under `root` (folders 0755, files 0644, so servers that drop
 * privileges to www-data can read them).
 */
export function writeRandomSite(root: string, pages: number): void {
  const write = (relative: string, text: string): void =>
    fs.writeFileSync(path.join(root, relative), text, { mode: 0o644 });
  fs.mkdirSync(path.join(root, 'r', 'inc'), { recursive: true, mode: 0o755 });
  write('r/inc/header.html', `<header>\n${filler(800, 1)}</header>\n`);
  write('r/inc/footer.html', `<footer>\n${filler(600, 2)}</footer>\n`);
  for (let section = 0; section < SECTIONS; section++) {
    write(`r/inc/widget-${section}.html`, filler(200, 300 + section));
    write(
      `r/inc/section-${section}.shtml`,
      `<aside>\n${filler(300, 100 + section)}${include(`/r/inc/widget-${section}.html`)}</aside>\n`,
    );
  }
  for (let index = 0; index < pages; index++) {
    if (index % PAGES_PER_FOLDER === 0) {
      fs.mkdirSync(path.dirname(path.join(root, randomPagePath(index))), { mode: 0o755 });
    }
    write(randomPagePath(index), pageSource(index));
  }
}

/**
 * A wrk script asking for a random page of `pages` per request. wrk runs the chunk once per thread and the bench
 * runs one thread, so the seed fixes the whole sequence: every server is asked for the same pages in the same
 * order (a faster server gets further along it).
 */
export function randomAccessScript(pages: number, seed: number): string {
  return `-- Written by the cdn-include HTTP bench: a random page of ${pages} per request, seed ${seed}.
math.randomseed(${seed})
request = function()
  local n = math.random(0, ${pages - 1})
  return wrk.format(nil, string.format("/r/d%d/p%d.shtml", math.floor(n / ${PAGES_PER_FOLDER}), n))
end
`;
}
