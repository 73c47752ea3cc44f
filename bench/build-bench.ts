// The build benchmark (`npm run bench:build`): generates the same site for cdn-include, Hugo and Eleventy,
// times cold builds, rebuilds after single changes and `build --watch` edits, what a build cannot go below on
// this machine, then cold builds of a larger site, and prints pages/s, ratios and the targets with
// verdicts; a full run writes its section of bench/RESULTS.md. Bounded: one temp folder, removed at the end; no network.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bestMs,
  type ColdResult,
  formatColdTable,
  formatIncrementalTable,
  type IncrementalResult,
  marginalMsPerPage,
  SUBJECT,
} from './build/bench-report';
import { type BuildTool, buildTools, cdnIncludeCli } from './build/build-tools';
import { judgeBuildTargets, type BuildFigures, type ScaleResult } from './build/build-targets';
import { changeScenarios } from './build/change-scenarios';
import { ELEVENTY_SCALE_LIMIT, plannedBuildSeconds, type BuildPlan } from './build/build-plan';
import { backdateTree, countPages } from './build/site-files';
import { pageSpecs, siteShape, type SiteShape } from './build/site-shape';
import { timeCommand, versionOf } from './build/timed-command';
import { measureWatchEdits } from './build/watch-edits';
import { type BuildFloors, formatFloors, measureBuildFloors } from './build/build-floors';
import { judgedTable } from './markdown-table';
import { writeResultsSection } from './results-sections';
import { nodeRuntime } from './runtime';

const HELP = `Usage: npm run bench:build -- [--quick] [--pages N] [--runs N] [--scale-pages N] [--watch-edits N]
                             [--write-results] [--keep]

  --pages N         pages in the generated site (default 10000)
  --runs N          cold builds per tool; the best counts (default 2)
  --scale-pages N   pages of the scale site, one cold build each of cdn-include and Hugo (default 100000;
                    0 leaves the scale rows out)
  --watch-edits N   measured edits of one page under build --watch (default 20)
  --quick           a smoke check: 1000 pages, 1 run, a 5000-page scale site, 5 edits
  --write-results   write the build section of bench/RESULTS.md after any run (a full run, with none of
                    the options above, always writes it)
  --keep            keep the temp folder with the sites and outputs
`;

const FULL_PLAN: BuildPlan = { pages: 10_000, runs: 2, scalePages: 100_000, watchEdits: 20 };
const QUICK_PLAN: BuildPlan = { pages: 1000, runs: 1, scalePages: 5000, watchEdits: 5 };
const RESULTS_FILE = resolve('bench', 'RESULTS.md');

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
      quick: { type: 'boolean' },
      pages: { type: 'string' },
      runs: { type: 'string' },
      'scale-pages': { type: 'string' },
      'watch-edits': { type: 'string' },
      'write-results': { type: 'boolean' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return (void process.stdout.write(HELP), 0);
  const base = values.quick ? QUICK_PLAN : FULL_PLAN;
  const plan: BuildPlan = {
    pages: count(values.pages, base.pages, '--pages', 1),
    runs: count(values.runs, base.runs, '--runs', 1),
    scalePages: count(values['scale-pages'], base.scalePages, '--scale-pages', 0),
    watchEdits: count(values['watch-edits'], base.watchEdits, '--watch-edits', 0),
  };
  const custom = [values.quick, values.pages, values.runs, values['scale-pages'], values['watch-edits']];
  const writeResults = values['write-results'] === true || custom.every((value) => value === undefined);
  log(
    `build bench: expected duration about ${Math.ceil(plannedBuildSeconds(plan) / 60)} min on this machine`,
  );
  log(`build bench: Node ${nodeRuntime()}`);
  const folder = mkdtempSync(join(tmpdir(), 'cdn-include-build-bench-'));
  try {
    const report = await runAll(folder, plan);
    process.stdout.write(`${report}\n`);
    if (writeResults) {
      writeResultsSection(RESULTS_FILE, 'build', resultsSection(report, plan));
      log(`wrote ${RESULTS_FILE}`);
    }
    return 0;
  } finally {
    if (values.keep) log(`kept ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

/** Every part of the run, in order; returns the report (tables and targets) as text. */
async function runAll(folder: string, plan: BuildPlan): Promise<string> {
  const shape = siteShape(plan.pages);
  const tools = await prepareTools(join(folder, 'site'), shape, buildTools());
  log(
    `\n${shape.pages} pages in ${shape.sections} sections; each page: header, nav, footer, section → widget (nested)`,
  );
  const cold = await coldBuilds(tools, shape, plan.runs);
  const incremental = await incrementalBuilds(tools, shape);
  const figures: BuildFigures = { pages: shape.pages, cold, incremental };
  const subject = tools.find((run) => run.tool.name === SUBJECT);
  if (plan.watchEdits === 0) figures.watchProblem = '--watch-edits 0';
  else if (subject === undefined) figures.watchProblem = 'cdn-include not built';
  else {
    try {
      figures.watch = await watchEdits(subject, shape, plan.watchEdits);
    } catch (err) {
      figures.watchProblem = (err as Error).message.split('\n')[0];
    }
  }
  let floors: BuildFloors | undefined;
  if (subject !== undefined) {
    log('floors: start, manifest, stats, files written');
    floors = await measureBuildFloors(cdnIncludeCli(), subject.source, subject.out);
  }
  if (plan.scalePages > 0) figures.scale = await scaleBuilds(join(folder, 'scale'), plan.scalePages);
  return formatReport(figures, tools, shape, floors);
}

/** Writes each available tool's site; a tool that is not installed is reported and left out. */
async function prepareTools(folder: string, shape: SiteShape, available: BuildTool[]): Promise<ToolRun[]> {
  const prepared: ToolRun[] = [];
  for (const tool of available) {
    const version = await versionOf(tool.version.command, tool.version.args, tmpdir());
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
      results[index]?.runs.push(milliseconds);
      log(
        `cold ${shape.pages} pages ${attempt}/${runs} ${run.tool.name}: ${(milliseconds / 1000).toFixed(2)} s`,
      );
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

/** `build --watch` on cdn-include's built site: the last page edited `edits` times. */
async function watchEdits(subject: ToolRun, shape: SiteShape, edits: number) {
  const page = pageSpecs(shape)[shape.pages - 1];
  if (page === undefined) throw new Error('the site has no pages');
  log(`build --watch: ${edits} edits of ${subject.tool.changes.page(page.section, page.index)}`);
  const result = await measureWatchEdits({
    cli: cdnIncludeCli(),
    source: subject.source,
    out: subject.out,
    page: join(subject.source, subject.tool.changes.page(page.section, page.index)),
    output: join(subject.out, subject.tool.outputPage(page.section, page.index)),
    edits,
  });
  log(`build --watch: ${result.latenciesMs.map((ms) => ms.toFixed(0)).join(' ')} ms`);
  return result;
}

/** One cold build each of cdn-include and Hugo (Eleventy too on a small scale site) of a `pages`-page site. */
async function scaleBuilds(folder: string, pages: number): Promise<ScaleResult> {
  const shape = siteShape(pages);
  const leftOut: string[] = [];
  const chosen = buildTools().filter((tool) => {
    if (tool.name !== 'Eleventy' || pages <= ELEVENTY_SCALE_LIMIT) return true;
    const minutes = Math.ceil(pages / 220 / 60);
    leftOut.push(
      `Eleventy left out at ${pages} pages: about ${minutes} min for one build here (~220 pages/s)`,
    );
    return false;
  });
  for (const line of leftOut) log(line);
  log(`scale: writing ${pages}-page sites`);
  const tools = await prepareTools(folder, shape, chosen);
  return { pages, cold: await coldBuilds(tools, shape, 1), leftOut };
}

function formatReport(
  figures: BuildFigures,
  tools: ToolRun[],
  shape: SiteShape,
  floors: BuildFloors | undefined,
): string {
  const lines: string[] = [];
  const out = (text: string): number => lines.push(text);
  const { cold, incremental } = figures;
  out(`== Cold build, ${shape.pages} pages (best of ${cold[0]?.runs.length ?? 0}; wall time incl. start-up)`);
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
    out(`\n== ${SUBJECT} cost per re-rendered page: cold ${(bestMs(subject) / shape.pages).toFixed(2)} ms`);
    // A handful of pages is start-up and listing, not rendering: only large changes say something per page.
    for (const change of changes.filter((scenario) => scenario.affectedPages >= 10)) {
      const marginal = marginalMsPerPage(change, nothing);
      if (marginal !== undefined)
        out(
          `   ${change.label}: ${marginal.toFixed(2)} ms (time above the no-change rebuild ÷ pages rendered)`,
        );
    }
  }
  if (subject && floors) out(`\n${formatFloors(floors, bestMs(subject))}`);
  if (figures.watch) {
    const shown = figures.watch.latenciesMs.map((ms) => ms.toFixed(0)).join(' ');
    out(`\n== build --watch, ${shape.pages} pages: edit → output file holds it, ms: ${shown}`);
  }
  if (figures.scale) {
    out(`\n== Scale: cold build, ${figures.scale.pages} pages (one run each; wall time incl. start-up)`);
    out(formatColdTable(figures.scale.cold, figures.scale.pages));
    for (const line of figures.scale.leftOut) out(line);
  }
  out('\n== Targets');
  out(judgedTable(judgeBuildTargets(figures)));
  return lines.join('\n');
}

/** The build section of RESULTS.md: the report, its plan and the date. */
function resultsSection(report: string, plan: BuildPlan): string {
  const [tables, targets] = report.split('\n== Targets\n');
  return `## Build benchmark

Written by \`npm run bench:build\` on ${new Date().toISOString()} (Node ${nodeRuntime()}): ${plan.pages} pages, best of ${plan.runs} cold
builds per tool, ${plan.watchEdits} \`build --watch\` edits, a ${plan.scalePages}-page scale site (one cold build
each). Every ratio divides two figures measured in this same run.

### Targets

${targets ?? ''}

### Tables

\`\`\`
${tables ?? report}
\`\`\`
`;
}

function otherNames(tools: ToolRun[]): string {
  return (
    tools
      .filter((run) => run.tool.name !== SUBJECT)
      .map((run) => run.tool.name)
      .join(' and ') || 'others'
  );
}

function count(text: string | undefined, fallback: number, option: string, least: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < least)
    throw new Error(`${option} needs a whole number of at least ${least}, not '${text}'`);
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
