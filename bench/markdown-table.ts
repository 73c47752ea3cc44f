// Markdown tables padded to their widest cell, so they read the same printed on a terminal and rendered from
// bench/RESULTS.md. Pure.

import type { Judged } from './verdict';

/** A Markdown table of `rows` under `header`. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The targets table: one line per judged row, with its figure, its target and the verdict. */
export function judgedTable(rows: readonly Judged[]): string {
  return markdownTable(
    ['target', 'page / size', 'measured', 'target', 'verdict'],
    rows.map((row) => [row.target, row.page, row.figure, row.goal, row.verdict]),
  );
}
