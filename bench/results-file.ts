// Writes bench/RESULTS.md: when, on what, with which commands, and the two tables of the last full run.

import fs from 'node:fs';
import { BENCH_PAGES } from './sites';

/** Everything the results file records. */
export interface ResultsRecord {
  date: Date;
  /** The bench's own command line. */
  benchCommand: string;
  /** Free text given with --note (e.g. that the machine was shared). */
  note: string | undefined;
  /** Load averages (1, 5, 15 min) just before the first run. */
  loadAverage: number[];
  versions: Record<string, string>;
  /** How each server was started (config files are described in bench/README.md). */
  serverCommands: string[];
  /** A representative load-generator command line. */
  loadCommand: string;
  plan: string;
  results: string;
  targets: string;
}

/** Renders the record as Markdown. */
export function formatResults(record: ResultsRecord): string {
  const bullet = (lines: string[]): string => lines.map((line) => `- ${line}`).join('\n');
  return `# HTTP benchmark results

Written by \`${record.benchCommand}\` on ${record.date.toISOString()}. Numbers are from this one run only;
every ratio divides two medians measured in this same run.${record.note ? `\n\n**Note:** ${record.note}` : ''}

Load average before the first run: ${record.loadAverage.map((value) => value.toFixed(2)).join(', ')}.

## Versions

${bullet(Object.entries(record.versions).map(([name, version]) => `${name}: ${version}`))}

## Pages

${bullet(BENCH_PAGES.map((page) => `\`${page.ssiPath}\`: ${page.description}`))}

## Commands

${bullet([`plan: ${record.plan}`, `load, e.g.: \`${record.loadCommand}\``, ...record.serverCommands.map((command) => `\`${command}\``)])}

## Results

${record.results}

## Targets

${record.targets}
`;
}

/** Writes the record to `file`. */
export function writeResults(file: string, record: ResultsRecord): void {
  fs.writeFileSync(file, formatResults(record) + keptSections(file));
}

/** The heading from which RESULTS.md holds other benchmarks' pasted output (build bench, soak): kept on rewrite. */
export const OTHER_RESULTS_HEADING = '## Build benchmark and soak';

function keptSections(file: string): string {
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const at = previous.indexOf(OTHER_RESULTS_HEADING);
  return at < 0 ? '' : `\n${previous.slice(at)}`;
}
