// The fallback load generator when wrk is not installed: autocannon from PATH, JSON output.

import { execFile } from 'node:child_process';
import type { LoadOptions, LoadResult } from './wrk';

interface AutocannonReport {
  requests: { average: number };
  latency: { p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Runs `autocannon -c N -d S -j` and reads req/s (average) and p99 latency from its JSON. */
export function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const args = ['-c', String(options.connections), '-d', String(options.seconds), '-j'];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}=${value}`);
  args.push(options.url);
  return new Promise((resolve, reject) => {
    execFile('autocannon', args, { timeout: (options.seconds + 15) * 1000 }, (err, stdout) => {
      if (err) return reject(new Error(`autocannon failed: ${err.message}`));
      const report = JSON.parse(stdout) as AutocannonReport;
      // autocannon counts 304 as non-2xx; the preflight already checked the status, so only errors count.
      resolve({
        requestsPerSecond: report.requests.average,
        p99Ms: report.latency.p99,
        errors: report.errors + report.timeouts,
      });
    });
  });
}
