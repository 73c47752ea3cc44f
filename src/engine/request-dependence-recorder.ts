// Collects, during one render, what the output read from the request and the clock. No I/O.

import { type RequestDependence } from './request-dependence';

/** What kind of outside input a variable stands for. */
export type Volatility =
  { kind: 'header'; header: string } | { kind: 'client' } | { kind: 'time' } | { kind: 'target' };

/** Headers that identify a user: a page that reads them must not be stored by shared caches. */
const PERSONAL_HEADERS = new Set(['cookie', 'authorization', 'proxy-authorization']);

/** Records request dependence as a render reads volatile inputs; `result()` gives the RequestDependence. */
export class RequestDependenceRecorder {
  private readonly headers = new Map<string, string>();
  private personal = false;
  private client = false;
  private time = false;
  private target = false;

  /** Notes that the output read `volatility`. */
  record(volatility: Volatility): void {
    if (volatility.kind === 'header') this.header(volatility.header);
    else if (volatility.kind === 'client') this.client = true;
    else if (volatility.kind === 'target') this.target = true;
    else this.time = true;
  }

  /** Notes that the output read a request header (canonical case); `Host` is part of every cache key, so it is skipped. */
  header(name: string): void {
    const key = name.toLowerCase();
    if (key === 'host') return;
    if (PERSONAL_HEADERS.has(key)) this.personal = true;
    if (!this.headers.has(key)) this.headers.set(key, name);
  }

  result(): RequestDependence {
    return {
      headers: [...this.headers.values()],
      personal: this.personal,
      client: this.client,
      time: this.time,
      target: this.target,
    };
  }
}
