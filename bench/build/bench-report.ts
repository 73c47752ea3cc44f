// Formats the build benchmark's measurements into tables and target verdicts. Pure: numbers in, text out;
// every ratio is computed from figures measured in the same run.

/** The cold builds of one tool. */
export interface ColdResult {
  tool: string;
  version: string;
  /** Wall time of each cold run, ms. */
  runs: number[];
}

/** One incremental scenario across tools. */
export interface IncrementalResult {
  label: string;
  affectedPages: number;
  /** Fragments cdn-include also renders as pages of their own (see ChangeScenario). */
  fragmentPages: number;
  /** Per tool name: wall time, and pages rendered when the tool says (cdn-include does). */
  byTool: Record<string, { milliseconds: number; rendered?: number }>;
}

/** The subject of the benchmark, whose figures are compared with the others. */
export const SUBJECT = 'cdn-include';

/** The best cold run: other processes share the machine, so the fastest run is the least disturbed. */
export function bestMs(result: ColdResult): number {
  return Math.min(...result.runs);
}

/** Pages per second of the best cold run. */
export function pagesPerSecond(result: ColdResult, pages: number): number {
  return pages / (bestMs(result) / 1000);
}

/** The cold-build table: time, pages/s, and cdn-include's pages/s divided by each tool's. */
export function formatColdTable(results: ColdResult[], pages: number): string {
  const subject = results.find((result) => result.tool === SUBJECT);
  const rows = results.map((result) => {
    const ratio = subject ? pagesPerSecond(subject, pages) / pagesPerSecond(result, pages) : NaN;
    return [
      result.tool,
      result.version,
      result.runs.map((ms) => (ms / 1000).toFixed(2)).join(' / '),
      pagesPerSecond(result, pages).toFixed(0),
      `${ratio.toFixed(2)}×`,
    ];
  });
  return table(['tool', 'version', 'cold runs, s', 'pages/s (best)', `${SUBJECT} ÷ tool`], rows);
}

/** The incremental table: cdn-include's rendered count and time, and each other tool's rebuild time. */
export function formatIncrementalTable(results: IncrementalResult[], tools: string[]): string {
  const others = tools.filter((tool) => tool !== SUBJECT);
  const rows = results.map((result) => {
    const own = result.byTool[SUBJECT];
    return [
      result.label,
      String(result.affectedPages),
      own?.rendered === undefined
        ? '?'
        : `${own.rendered}${result.fragmentPages ? ` (${result.fragmentPages} fragment)` : ''}`,
      own ? seconds(own.milliseconds) : '-',
      ...others.map((tool) => (result.byTool[tool] ? seconds(result.byTool[tool].milliseconds) : '-')),
    ];
  });
  const headings = [
    'change',
    'affected',
    `${SUBJECT} rendered`,
    `${SUBJECT} s`,
    ...others.map((tool) => `${tool} s`),
  ];
  return table(headings, rows);
}

/**
 * The marginal cost of one re-rendered page in a scenario: (its time − the no-change rebuild) / pages rendered.
 * Proportional rebuilds keep it near the cold build's cost per page.
 */
export function marginalMsPerPage(
  scenario: IncrementalResult,
  nothing: IncrementalResult,
): number | undefined {
  const own = scenario.byTool[SUBJECT];
  const base = nothing.byTool[SUBJECT];
  if (!own || !base || !own.rendered) return undefined;
  return (own.milliseconds - base.milliseconds) / own.rendered;
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(2);
}

/** A plain-text table with columns padded to their widest cell. */
export function table(headings: string[], rows: string[][]): string {
  const widths = headings.map((heading, column) =>
    Math.max(heading.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(headings), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
