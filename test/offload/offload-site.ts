// What the offload runs serve and how the origin judges its load: a 32 KiB page for wrk, small pages for the
// test's own requests, and a load signal judged on egress alone against a 1 MB/s budget, in 250 ms windows.

import { SLOT_MS } from './load-timeline';

/** Bytes of the page wrk asks for: 32 KiB, so a few dozen requests a second pass the budget. */
export const BIG_PAGE_BYTES = 32 * 1024;

/** The egress budget: 1 MB/s, about 30 big pages a second. */
export const EGRESS_BUDGET = 1_000_000;

/** The bounce-back marker the origin is configured with. */
export const BOUNCE_PARAM = 'cdn-include-local';

/** Milliseconds each wrk connection waits between its requests: about 15 requests a second each. */
export const PACE_MS = 66;

/**
 * The `load` setting: egress alone (the event-loop measures off, so a busy shared machine does not decide the
 * level), 250 ms windows, overloaded after 2 windows over 40 % of the budget, shedding a share that rises to all at
 * 200 %, normal after 4 windows under 20 %. With that feedback (what is redirected sends no page) a demand of once
 * the budget settles near a quarter redirected, four times the budget near two thirds.
 */
export const LOAD_SETTINGS = {
  windowMs: SLOT_MS,
  enterWindows: 2,
  leaveWindows: 4,
  eventLoopUtilization: false,
  eventLoopDelayMs: false,
  egressBytesPerSecond: EGRESS_BUDGET,
  egress: { low: 0.2, high: 0.4, critical: 2 },
};

/** The docroot: `/big.html` for wrk, and small pages (`/probe.html`, `/news.html`, `/hop.html`, `/foreign/page.html`). */
export function siteFiles(): Record<string, string> {
  const small = (title: string) => `<!doctype html><title>${title}</title><p>${title}</p>\n`;
  return {
    'big.html': `<!doctype html><title>big</title><pre>${'x'.repeat(BIG_PAGE_BYTES)}</pre>\n`,
    'probe.html': small('probe'),
    'news.html': small('news'),
    'hop.html': small('hop'),
    'foreign/page.html': small('foreign'),
  };
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
