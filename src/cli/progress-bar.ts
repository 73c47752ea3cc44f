// A one-line progress bar for long builds, drawn in place with a carriage return. Draws only through the
// writer it is given; the caller decides whether the stream is a terminal.

/** Options of createProgressBar. */
export interface ProgressBarOptions {
  /** Writes text to the terminal as is (no line break added). */
  write: (text: string) => void;
  /** The terminal's width in characters. @default 80 */
  columns?: number;
  /** What is counted, after the numbers (`pages and files`). @default 'files' */
  label?: string;
  /** Milliseconds before the first draw, so a short run leaves the terminal untouched. @default 500 */
  delayMs?: number;
  /** Least milliseconds between two draws: redrawing per file would cost more than the build. @default 100 */
  intervalMs?: number;
  /** The clock, epoch milliseconds; injected by tests. @default Date.now */
  now?: () => number;
}

/** A progress bar that is updated as work completes and cleared when it ends. */
export interface ProgressBar {
  /** Reports that `done` of `total` items are finished; draws when enough time has passed. */
  update(done: number, total: number): void;
  /** Erases the bar, if one was drawn, so the summary that follows starts on a clean line. */
  finish(): void;
}

const MIN_BAR_WIDTH = 10;

/**
 * A throttled progress bar: `[#######-------]  4200/10000 files  42%`.
 *
 * @example
 * const bar = createProgressBar({ write: (text) => process.stderr.write(text), columns: process.stderr.columns });
 * await buildSite({ ...options, onProgress: (done, total) => bar.update(done, total) });
 * bar.finish();
 */
export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const { write, columns = 80, label = 'files', delayMs = 500, intervalMs = 100, now = Date.now } = options;
  const started = now();
  let lastDrawn = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const time = now();
      const isLast = done >= total;
      if (time - started < delayMs || (!isLast && time - lastDrawn < intervalMs)) return;
      lastDrawn = time;
      drawn = true;
      write(`\r${formatProgressLine(done, total, columns, label)}`);
    },
    finish() {
      // \x1b[K erases to the end of the line (ECMA-48 EL), leaving the cursor at its start.
      if (drawn) write('\r\x1b[K');
      drawn = false;
    },
  };
}

/**
 * The text of one progress line, at most `columns - 1` characters wide (the last column would wrap on some
 * terminals).
 *
 * @example
 * formatProgressLine(1, 4, 40, 'files'); // → '[######----------------] 1/4 files  25%'
 */
export function formatProgressLine(done: number, total: number, columns: number, label: string): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const counts = ` ${String(done).padStart(String(total).length)}/${total} ${label} ${String(Math.floor(ratio * 100)).padStart(3)}%`;
  const width = Math.max(MIN_BAR_WIDTH, columns - 1 - counts.length - 2);
  const filled = Math.round(ratio * width);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${counts}`;
  return line.slice(0, Math.max(0, columns - 1));
}
