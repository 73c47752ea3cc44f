// Writes the HTTP benchmark's section of bench/RESULTS.md: when, on what, with which commands, and the tables of
// the last full run. The build benchmark's section and any pasted text are kept (results-sections.ts).

import { writeResultsSection } from './results-sections';
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
  /** A representative load-generator command line, and the random-access one. */
  loadCommands: string[];
  plan: string;
  results: string;
  /** The random-access table and serve's memory lines. */
  randomAccess: string;
  targets: string;
}

/** Renders the record as the Markdown of the HTTP section. */
export function formatResults(record: ResultsRecord): string {
  const bullet = (lines: string[]): string => lines.map((line) => `- ${line}`).join('\n');
  return `## HTTP benchmark

Written by \`${record.benchCommand}\` on ${record.date.toISOString()}. Numbers are from this one run only;
every ratio divides two medians measured in this same run.${record.note ? `\n\n**Note:** ${record.note}` : ''}

Load average before the first run: ${record.loadAverage.map((value) => value.toFixed(2)).join(', ')}.

### Targets

${record.targets}

### Versions

${bullet(Object.entries(record.versions).map(([name, version]) => `${name}: ${version}`))}

### Pages

${bullet(BENCH_PAGES.map((page) => `\`${page.ssiPath}\`: ${page.description}`))}

### Commands

${bullet([`plan: ${record.plan}`, ...record.loadCommands.map((command) => `load, e.g.: \`${command}\``), ...record.serverCommands.map((command) => `\`${command}\``)])}

### Results

${record.results}

### Random access

${record.randomAccess}
`;
}

/** Writes the record into the HTTP section of `file`. */
export function writeResults(file: string, record: ResultsRecord): void {
  writeResultsSection(file, 'http', formatResults(record));
}
