// Collects the outcome of each case of the differential run and words the lines printed after it. Pure: no I/O.
// The final `N passed, M failed` line is printed by summary-reporter.js, so that it is the run's last line.

import { type CorpusCase } from './corpus-cases';

/** Outcomes of the cases run so far. */
export class RunReport {
  private readonly differences: string[] = [];
  private readonly knownLines: string[] = [];
  private failures = 0;

  /** @param known case name → reason, from known-differences.json */
  constructor(
    private readonly cases: CorpusCase[],
    private readonly known: Map<string, string>,
  ) {}

  /** How many cases failed so far. */
  get failed(): number {
    return this.failures;
  }

  /**
   * Records a case's comparison; returns the failure message, or undefined when the case passes (the servers
   * agree, or a listed known difference still differs).
   */
  record(name: string, difference: string | undefined): string | undefined {
    const reason = this.known.get(name);
    if (reason === undefined) return difference === undefined ? undefined : this.fail(difference);
    if (difference !== undefined) {
      this.knownLines.push(`known difference: ${difference} [${reason}]`);
      return undefined;
    }
    return this.fail(
      `${name}: listed in known-differences.json, but the servers now agree: remove the entry`,
    );
  }

  /** Records a failed case; returns its line. */
  fail(line: string): string {
    this.failures++;
    this.differences.push(line);
    return line;
  }

  /** Every difference line, the known differences, and entries of known-differences.json that name no case. */
  lines(): string[] {
    const names = new Set(this.cases.map((entry) => entry.name));
    const stale = [...this.known.keys()].filter((name) => !names.has(name));
    return [
      ...this.differences,
      ...this.knownLines,
      ...stale.map((name) => `known-differences.json names no case: ${name}`),
    ];
  }
}
