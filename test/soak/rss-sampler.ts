// Samples the server's resident memory once a second and judges whether it grows without bound: memory that
// keeps rising through the second half of the run, beyond a slack for caches warming up.

/** Growth allowed from the first half's peak to the second half's, as a fraction and in bytes (both must be exceeded). */
const GROWTH_FRACTION = 0.5;
const GROWTH_BYTES = 32 * 1024 * 1024;

/** Periodic RSS samples of one process. */
export class RssSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly read: () => number | undefined) {
    this.take();
    this.timer = setInterval(() => this.take(), 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.take();
  }

  /** `start 52.1 MiB, peak 80.3 MiB, end 71.0 MiB (61 samples)`, or why there are none. */
  describe(): string {
    if (this.samples.length === 0) return 'not measurable here (no /proc)';
    const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;
    const [start, end] = [this.samples[0], this.samples[this.samples.length - 1]];
    return `start ${mib(start)}, peak ${mib(Math.max(...this.samples))}, end ${mib(end)} (${this.samples.length} samples)`;
  }

  /** A description of the growth when the second half's peak exceeds the first half's by both slacks. */
  unboundedGrowth(): string | undefined {
    if (this.samples.length < 6) return undefined;
    const half = Math.floor(this.samples.length / 2);
    const early = Math.max(...this.samples.slice(1, half));
    const late = Math.max(...this.samples.slice(half));
    if (late > early * (1 + GROWTH_FRACTION) && late - early > GROWTH_BYTES) {
      return `RSS peak rose from ${early} to ${late} bytes between the first and the second half`;
    }
    return undefined;
  }

  private take(): void {
    const bytes = this.read();
    if (bytes !== undefined) this.samples.push(bytes);
  }
}
