// Metrics under `serve --workers N`: a scrape reaches whichever worker the kernel hands the connection to, so that
// worker asks the primary, which gathers every worker's registry (prom-client's AggregatorRegistry, over the
// cluster's IPC channel) and sends the whole text back. Each worker's series keep their `worker` label.

import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'cdn-include:metrics-request';
const REPLY = 'cdn-include:metrics-reply';

/** How long a worker waits for the primary: prom-client gives up on a silent worker after 5 s. */
const REPLY_TIMEOUT_MS = 6000;

interface MetricsMessage {
  type?: string;
  id?: number;
  text?: string;
  error?: string;
}

/** In the primary: answers each worker's request for the metrics of every worker. */
export function answerClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsMessage | null) => {
    if (message?.type !== REQUEST) return;
    const reply = (fields: MetricsMessage) => {
      if (worker.isConnected()) worker.send({ type: REPLY, id: message.id, ...fields });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (err: Error) => reply({ error: err.message }),
    );
  });
}

/**
 * In a worker: lends `registry` to the primary's gathering and returns what reads the whole cluster's metrics in
 * the Prometheus text format (rejected when the primary does not answer in time).
 */
export function clusterMetricsReader(registry: Registry): () => Promise<string> {
  // Constructing it installs prom-client's listener for the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const waiting = new Map<number, (message: MetricsMessage) => void>();
  let nextId = 0;
  process.on('message', (message: MetricsMessage | null) => {
    if (message?.type === REPLY && message.id !== undefined) waiting.get(message.id)?.(message);
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(
        () => settle({ error: 'the primary did not answer' }),
        REPLY_TIMEOUT_MS,
      ).unref();
      const settle = (message: MetricsMessage) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (message.text !== undefined) resolve(message.text);
        else reject(new Error(`cluster metrics: ${message.error ?? 'no answer'}`));
      };
      waiting.set(id, settle);
      process.send?.({ type: REQUEST, id });
    });
}
