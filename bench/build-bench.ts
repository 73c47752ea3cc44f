// The build benchmark (`npm run bench:build`): generates the same site for cdn-include, Hugo and Eleventy,
// times cold builds and rebuilds after single changes, and prints pages/s, ratios and the targets' verdicts.
// Bounded: one temp folder, removed at the end; no network.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bestMs,
  type ColdResult,
  formatColdTable,
  formatIncrementalTable,
  type IncrementalResult,
  marginalMsPerPage,
  pagesPerSecond,
  SUBJECT,
} from './build/bench-report';
import { type BuildTool, buildTools } from './build/build-tools';
import { changeScenarios } from './build/change-scenarios';
import { backdateTree, countPages } from './build/site-files';
import { siteShape, type SiteShape } from './build/site-shape';
import { timeCommand, versionOf } from './build/timed-command';

const HELP = `Usage: npm run bench:build -- [--pages N] [--runs N] [--keep]

  --pages N   pages in the generated site (default 10000)
  --runs N    cold builds per tool; the best counts (default 2)
  --keep      keep the temp folder with the sites and outputs
`;

/** A tool that can be run here, with its folders. */
interface ToolRun {
  tool: BuildTool;
  version: string;
  source: string;
  /** The output of the last cold run, which the incremental rebuilds update. */
  out: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      pages: { type: 'string' },
      runs: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return (void process.stdout.write(HELP), 0);
  const shape = siteShape(positiveInteger(values.pages ?? '10000', '--pages'));
  const runs = positiveInteger(values.runs ?? '2', '--runs');
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-build-bench-'));
  try {
    const tools = await prepareTools(folder, shape);
    log(
      `\n${shape.pages} pages in ${shape.sections} sections; each page: header, nav, footer, section → widget (nested)`,
    );
    const cold = await coldBuilds(tools, shape, runs);
    const incremental = await incrementalBuilds(tools, shape);
    printResults(cold, incremental, tools, shape);
    return 0;
  } finally {
    if (values.keep) log(`kept ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

/** Writes each available tool's site; a tool that is not installed is reported and left out. */
async function prepareTools(folder: string, shape: SiteShape): Promise<ToolRun[]> {
  const prepared: ToolRun[] = [];
  for (const tool of buildTools()) {
    const version = await versionOf(tool.version.command, tool.version.args, folder);
    if (version === undefined) {
      log(`${tool.name}: not installed, left out (Hugo: apt-get install hugo; Eleventy: npm ci)`);
      continue;
    }
    const source = join(folder, tool.name, 'source');
    mkdirSync(source, { recursive: true });
    tool.writeSite(source, shape);
    backdateTree(source, Date.now() - 3_600_000);
    // `hugo version` prints a build date and platform after the number.
    prepared.push({ tool, version: /v?\d+\.\d+\.\d+/.exec(version)?.[0] ?? version, source, out: '' });
  }
  return prepared;
}

/** Cold builds into fresh folders, the tools taking turns so background load falls on each alike. */
async function coldBuilds(tools: ToolRun[], shape: SiteShape, runs: number): Promise<ColdResult[]> {
  const results = tools.map((run) => ({ tool: run.tool.name, version: run.version, runs: [] as number[] }));
  for (let attempt = 1; attempt <= runs; attempt++) {
    for (const [index, run] of tools.entries()) {
      run.out = join(run.source, '..', `out-${attempt}`);
      const { command, args } = run.tool.command(run.source, run.out);
      const { milliseconds } = await timeCommand(command, args, join(run.source, '..'));
      const written = countPages(run.out);
      if (written !== shape.pages)
        throw new Error(`${run.tool.name} wrote ${written} pages, not ${shape.pages}`);
      results[index].runs.push(milliseconds);
      log(`cold ${attempt}/${runs} ${run.tool.name}: ${(milliseconds / 1000).toFixed(2)} s`);
    }
  }
  return results;
}

/** Each change applied to every tool's sources, then a rebuild into the last cold output. */
async function incrementalBuilds(tools: ToolRun[], shape: SiteShape): Promise<IncrementalResult[]> {
  const results: IncrementalResult[] = [];
  for (const scenario of changeScenarios(shape)) {
    const { label, affectedPages, fragmentPages } = scenario;
    const result: IncrementalResult = { label, affectedPages, fragmentPages, byTool: {} };
    for (const run of tools) {
      scenario.apply(run.tool, run.source);
      const { command, args } = run.tool.command(run.source, run.out);
      const { milliseconds, stdoutTail } = await timeCommand(command, args, join(run.source, '..'));
      if (!scenario.isVisible(run.tool, run.out)) {
        throw new Error(`${run.tool.name}: the output does not show the change '${scenario.label}'`);
      }
      const rendered = /(\d+) rendered, \d+ up to date/.exec(stdoutTail)?.[1];
      result.byTool[run.tool.name] = { milliseconds, ...(rendered ? { rendered: Number(rendered) } : {}) };
      log(`${scenario.label} ${run.tool.name}: ${(milliseconds / 1000).toFixed(2)} s`);
    }
    results.push(result);
  }
  return results;
}

function printResults(
  cold: ColdResult[],
  incremental: IncrementalResult[],
  tools: ToolRun[],
  shape: SiteShape,
): void {
  const out = (text: string): boolean => process.stdout.write(`${text}\n`);
  out(
    `\n== Cold build, ${shape.pages} pages (best of ${cold[0]?.runs.length ?? 0}; wall time incl. start-up)`,
  );
  out(formatColdTable(cold, shape.pages));
  out(`\n== Rebuild after one change (cdn-include incremental; ${otherNames(tools)} rebuild everything:`);
  out('   their one-shot command lines have no incremental mode)');
  out(
    formatIncrementalTable(
      incremental,
      tools.map((run) => run.tool.name),
    ),
  );
  const subject = cold.find((result) => result.tool === SUBJECT);
  const [nothing, ...changes] = incremental;
  if (subject && nothing) {
    const coldPerPage = bestMs(subject) / shape.pages;
    out(`\n== ${SUBJECT} cost per re-rendered page: cold ${coldPerPage.toFixed(2)} ms`);
    // A handful of pages is start-up and listing, not rendering: only large changes say something per page.
    for (const change of changes.filter((scenario) => scenario.affectedPages >= 10)) {
      const marginal = marginalMsPerPage(change, nothing);
      if (marginal !== undefined)
        out(
          `   ${change.label}: ${marginal.toFixed(2)} ms (time above the no-change rebuild ÷ pages rendered)`,
        );
    }
  }
  out('\n== Targets');
  for (const line of verdicts(cold, incremental, shape)) out(line);
}

function verdicts(cold: ColdResult[], incremental: IncrementalResult[], shape: SiteShape): string[] {
  const subject = cold.find((result) => result.tool === SUBJECT);
  const hugo = cold.find((result) => result.tool === 'Hugo');
  const lines: string[] = [];
  if (subject && hugo) {
    const ratio = pagesPerSecond(subject, shape.pages) / pagesPerSecond(hugo, shape.pages);
    lines.push(
      `cold ${shape.pages}-page build ≥ 1.0× Hugo pages/s: ${ratio >= 1 ? 'MET' : 'MISSED'} (${ratio.toFixed(2)}×)`,
    );
  } else lines.push('cold build vs Hugo: not measured (Hugo not installed)');
  const expected = (result: IncrementalResult): number => result.affectedPages + result.fragmentPages;
  const exact = incremental.every((result) => result.byTool[SUBJECT]?.rendered === expected(result));
  lines.push(
    `incremental rebuilds render exactly the pages that include the change: ${exact ? 'MET' : 'MISSED'} ` +
      `(${incremental.map((result) => `${result.byTool[SUBJECT]?.rendered ?? '?'}/${expected(result)}`).join(', ')})`,
  );
  return lines;
}

function otherNames(tools: ToolRun[]): string {
  return (
    tools
      .filter((run) => run.tool.name !== SUBJECT)
      .map((run) => run.tool.name)
      .join(' and ') || 'others'
  );
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${option} needs a positive integer, not '${text}'`);
  return value;
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`build bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
