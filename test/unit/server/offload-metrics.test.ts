// cdn_include_offload_total{decision,reason}: counted per response from the request's offload note, and gathered
// across `--workers` as the primary gathers every worker's registry (prom-client's AggregatorRegistry).

import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import { noteOffload, type OffloadDecision, type OffloadReason } from '../../../src/server/offload-notes';
import { ServerMetrics } from '../../../src/server/server-metrics';

/** One response observed to its end, with the offload decision `note` (none: a request offload never saw). */
function respond(metrics: ServerMetrics, status: number, note?: [OffloadDecision, OffloadReason]): void {
  const req = {} as IncomingMessage;
  if (note) noteOffload(req, ...note);
  const res = Object.assign(new EventEmitter(), { statusCode: status }) as unknown as ServerResponse;
  metrics.observe(req, res);
  res.emit('close');
}

describe('cdn_include_offload_total', () => {
  it('› one series per decision and reason; requests without a note add none', async () => {
    const metrics = new ServerMetrics();
    respond(metrics, 307, ['307', 'overloaded']);
    respond(metrics, 307, ['307', 'overloaded']);
    respond(metrics, 200, ['-', 'loop-guard']);
    respond(metrics, 200);
    const { text } = await metrics.exposition();
    expect(text).toContain('cdn_include_offload_total{decision="307",reason="overloaded"} 2');
    expect(text).toContain('cdn_include_offload_total{decision="-",reason="loop-guard"} 1');
    expect(text.match(/^cdn_include_offload_total\{/gm)).toHaveLength(2);
  });

  it('under --workers › each worker’s series, gathered by the primary, keep their worker label', async () => {
    const workers = ['1', '2'].map((worker) => new ServerMetrics({ labels: { worker } }));
    respond(workers[0], 307, ['307', 'always']);
    respond(workers[1], 307, ['307', 'always']);
    respond(workers[1], 307, ['307', 'always']);
    const gathered = AggregatorRegistry.aggregate(
      await Promise.all(workers.map((worker) => worker.registry.getMetricsAsJSON())),
    );
    const text = await gathered.metrics();
    expect(text).toContain('cdn_include_offload_total{decision="307",reason="always",worker="1"} 1');
    expect(text).toContain('cdn_include_offload_total{decision="307",reason="always",worker="2"} 2');
  });
});
