// The entry point of a render worker thread (render-pool.ts starts it): renders and writes the pages it is sent,
// one build at a time, and answers each with the page's manifest record. It never touches the manifest.

import { parentPort, workerData } from 'node:worker_threads';
import { type PageWriteOptions, writePage } from './page-writer';
import { type RenderRequest, type RenderResponse } from './render-pool';
import { type RenderWorkerSettings, workerPageWriteOptions } from './render-worker-settings';

const settings = workerData as RenderWorkerSettings;
let current: { build: number; options: PageWriteOptions } | undefined;

/** Answers not posted yet: they go as one message once the pages of this turn of the event loop are done. */
let outbox: RenderResponse[] = [];

parentPort?.on('message', (requests: RenderRequest[]) => {
  for (const request of requests) void answer(request).then(post);
});

function post(response: RenderResponse): void {
  if (outbox.push(response) > 1) return;
  setImmediate(() => {
    parentPort?.postMessage(outbox);
    outbox = [];
  });
}

/** Renders one page; a thrown error is answered as such, so the page fails and the worker lives on. */
async function answer(request: RenderRequest): Promise<RenderResponse> {
  try {
    if (current?.build !== request.build) {
      current = { build: request.build, options: workerPageWriteOptions(settings, request.clock) };
    }
    return { id: request.id, result: await writePage(request.path, request.previous, current.options) };
  } catch (err) {
    return { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
}
