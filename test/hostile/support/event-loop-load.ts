// Load helpers for the event-loop scenario: a probe that times a small request at a steady pace, and attackers
// that send one kind of request back to back. Both run until a deadline; nothing here asserts.

import { Agent, request } from 'node:http';

/** What one finished request gave: status, body length and elapsed ms; status 0 means it timed out or failed. */
export interface Exchange {
  status: number;
  bytes: number;
  ms: number;
}

/**
 * GETs `url` with `headers`, giving up after `timeoutMs` (status 0, elapsed = timeoutMs). With `agent`, the
 * connection is kept alive between calls, so the load is requests rather than connection set-ups.
 */
export function timedGet(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  agent: Agent | false = false,
): Promise<Exchange> {
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve) => {
    const req = request(url, { headers, agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: elapsed() }));
      res.on('error', () => resolve({ status: 0, bytes, ms: elapsed() }));
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on('error', () => resolve({ status: 0, bytes: 0, ms: Math.max(elapsed(), timeoutMs) }));
    req.end();
  });
}

/** Requests `url` every `intervalMs` (one at a time) until `deadline`; returns each latency in ms. */
export async function probe(
  url: string,
  intervalMs: number,
  deadline: number,
  timeoutMs: number,
): Promise<number[]> {
  const latencies: number[] = [];
  while (Date.now() < deadline) {
    const started = Date.now();
    const reply = await timedGet(url, {}, timeoutMs);
    latencies.push(reply.status === 200 ? reply.ms : Math.max(reply.ms, timeoutMs));
    const wait = intervalMs - (Date.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return latencies;
}

/** Sends requests made by `next` back to back until `deadline`; returns every exchange. */
export async function attack(
  next: () => { url: string; headers: Record<string, string> },
  deadline: number,
  timeoutMs: number,
): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  while (Date.now() < deadline) {
    const { url, headers } = next();
    const timeout = Math.min(timeoutMs, Math.max(1, deadline - Date.now()));
    exchanges.push(await timedGet(url, headers, timeout, agent));
  }
  agent.destroy();
  return exchanges;
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
