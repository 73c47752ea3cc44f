// The timeline of an offload run, per 250 ms slot: the load level the origin's health endpoint reported, and the
// requests its access log shows arriving in the slot with the share answered 307. Printed so it can be pasted
// into a note; asserted on by the runs.

import type { LoggedRequest, OffloadOrigin } from './offload-origin';

/** The width of one slot, in ms. */
export const SLOT_MS = 250;

/** One slot of the timeline. */
export interface TimelineSlot {
  /** Ms from the start of the run to the slot's start. */
  at: number;
  /** What the run was doing then (`idle`, `load 1`, …). */
  phase: string;
  /** The level the health endpoint reported in the slot (its last answer); `-` for none. */
  level: string;
  /** The share of requests the load signal sheds, as the same answer reported it; undefined for none. */
  shedShare: number | undefined;
  requests: number;
  redirected: number;
}

/** A health reading: when it was answered (epoch ms) and the level it reported. */
interface LevelReading {
  time: number;
  level: string;
  shedShare: number | undefined;
}

/** Reads the origin's level every slot until stopped, and names the phases the run goes through. */
export class LoadTimeline {
  readonly start = Date.now();
  private readonly readings: LevelReading[] = [];
  private readonly phases: Array<{ time: number; name: string }> = [{ time: this.start, name: 'idle' }];
  private readonly timer: NodeJS.Timeout;
  private reading = false;
  private stoppedAt: number | undefined;

  constructor(private readonly origin: OffloadOrigin) {
    this.timer = setInterval(() => void this.read(), SLOT_MS);
  }

  /** Marks the start of a phase of the run. */
  phase(name: string): void {
    this.phases.push({ time: Date.now(), name });
  }

  /** Stops reading the level: the timeline ends here. */
  stop(): void {
    clearInterval(this.timer);
    this.stoppedAt ??= Date.now();
  }

  /**
   * The slots from the start to the stop (or now), from the readings and the origin's log (requests whose path
   * starts with `prefix`).
   */
  slots(prefix = '/'): TimelineSlot[] {
    const end = this.stoppedAt ?? Date.now();
    const slots: TimelineSlot[] = [];
    for (let at = 0; this.start + at < end; at += SLOT_MS) {
      const from = this.start + at;
      const to = from + SLOT_MS;
      const inSlot = (time: number) => time >= from && time < to;
      const requests = this.origin.log().filter((line) => inSlot(line.time) && isCounted(line, prefix));
      const readings = this.readings.filter((reading) => inSlot(reading.time));
      slots.push({
        at,
        phase: [...this.phases].reverse().find((phase) => phase.time < to)?.name ?? 'idle',
        level: readings.at(-1)?.level ?? '-',
        shedShare: readings.at(-1)?.shedShare,
        requests: requests.length,
        redirected: requests.filter((line) => line.status === 307).length,
      });
    }
    return slots;
  }

  private async read(): Promise<void> {
    // One reading at a time: under overload an answer may take longer than a slot.
    if (this.reading) return;
    this.reading = true;
    try {
      const { level, shedShare } = await this.origin.load();
      this.readings.push({ time: Date.now(), level, shedShare });
    } catch {
      this.readings.push({ time: Date.now(), level: 'no answer', shedShare: undefined });
    } finally {
      this.reading = false;
    }
  }
}

function isCounted(line: LoggedRequest, prefix: string): boolean {
  return line.url !== null && line.url.startsWith(prefix);
}

/** The share of redirected requests in `slots`, 0 when there were none. */
export function redirectShare(slots: readonly TimelineSlot[]): number {
  const requests = slots.reduce((sum, slot) => sum + slot.requests, 0);
  const redirected = slots.reduce((sum, slot) => sum + slot.redirected, 0);
  return requests === 0 ? 0 : redirected / requests;
}

/** The timeline as a Markdown table: one row per slot. */
export function formatTimeline(slots: readonly TimelineSlot[]): string {
  const rows = slots.map((slot) => {
    const share = slot.requests === 0 ? '-' : `${Math.round((100 * slot.redirected) / slot.requests)} %`;
    const bar = slot.requests === 0 ? '' : '#'.repeat(Math.round((20 * slot.redirected) / slot.requests));
    const shed = slot.shedShare === undefined ? '-' : slot.shedShare.toFixed(2);
    return `| ${(slot.at / 1000).toFixed(2).padStart(5)} | ${slot.phase.padEnd(7)} | ${slot.level.padEnd(10)} | ${shed.padStart(4)} | ${String(slot.requests).padStart(4)} | ${String(slot.redirected).padStart(4)} | ${share.padStart(5)} | ${bar.padEnd(20)} |`;
  });
  return [
    '|   t s | phase   | level      | shed | reqs |  307 | share | 307 share            |',
    '| ----: | ------- | ---------- | ---: | ---: | ---: | ----: | -------------------- |',
    ...rows,
  ].join('\n');
}
