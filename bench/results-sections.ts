// bench/RESULTS.md holds the last full run of each benchmark in a section of its own, between marker comments,
// so `npm run bench` and `npm run bench:build` each replace only their own section. Pure text functions, plus
// the one write.

import fs from 'node:fs';

/** The sections of RESULTS.md, one per benchmark command. */
export type ResultsSection = 'http' | 'build';

const TITLE = `# Benchmark results

Each section below is the last full run of one command, written by it; text outside the marker comments
(e.g. a pasted soak run) is kept when a command rewrites its section.
`;

/** The comment lines that open and close a section. */
export function sectionMarkers(section: ResultsSection): { start: string; end: string } {
  return {
    start: `<!-- ${section} benchmark: written by the command, do not edit inside -->`,
    end: `<!-- end of ${section} benchmark -->`,
  };
}

/**
 * `document` with `section`'s text replaced by `body` (the markers kept around it); a section not there yet is
 * added at the end, after the title when the document is empty.
 *
 * @example
 * replaceSection(readFileSync(file, 'utf8'), 'build', '## Build benchmark\n…');
 */
export function replaceSection(document: string, section: ResultsSection, body: string): string {
  const { start, end } = sectionMarkers(section);
  const block = `${start}\n${body.trimEnd()}\n${end}`;
  const from = document.indexOf(start);
  const to = from < 0 ? -1 : document.indexOf(end, from);
  if (from >= 0 && to >= 0) return document.slice(0, from) + block + document.slice(to + end.length);
  const before = document.trim() === '' ? TITLE : document.trimEnd() + '\n';
  return `${before}\n${block}\n`;
}

/** Rewrites `section` of `file` (created when missing), keeping everything else in it. */
export function writeResultsSection(file: string, section: ResultsSection, body: string): void {
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  fs.writeFileSync(file, replaceSection(previous, section, body));
}
