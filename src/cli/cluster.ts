// `serve --workers N`: a node:cluster primary forks N workers that share one listening socket, prints the URL
// once they all listen, replaces a worker that dies, passes SIGHUP on, and on SIGINT/SIGTERM passes SIGTERM on and
// waits while each worker drains (killed once its --shutdown-timeout and a grace period have passed).

import cluster, { type Worker } from 'node:cluster';
import { answerClusterMetrics } from './cluster-metrics';
import { EXIT_FAILURE, EXIT_SUCCESS, type CommandIo } from './command';

/** How long past its shutdown timeout a stopping worker may take to close its caches and exit. */
const EXIT_GRACE_MS = 5000;

/** The message a worker sends its primary once its server listens. */
const LISTENING = 'cdn-include:listening';

/** True inside a worker forked by runWorkers. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** This worker's number under `--workers` (1, 2, …), undefined outside a cluster. */
export function clusterWorkerId(): number | undefined {
  return cluster.worker?.id;
}

/** Tells the primary that this worker listens at `url`. */
export function reportListening(url: string): void {
  process.send?.({ type: LISTENING, url });
}

/** Ends this worker's link to the primary once its server closed: the open IPC channel would keep it alive. */
export function leaveCluster(): void {
  if (cluster.isWorker) process.disconnect?.();
}

/**
 * Forks `count` workers running the same command line (each a whole `serve` with its own caches), and waits
 * for the stop signal. With port 0 every worker gets the same free port: the primary owns the socket. Each worker
 * drains on its own for `shutdownTimeout` ms (it has the same command line); one that has not exited soon after is
 * killed.
 * @returns the exit code: 1 when a worker could not start, else 0 after a clean stop
 */
export async function runWorkers(
  count: number,
  root: string,
  io: CommandIo,
  shutdownTimeout: number,
): Promise<number> {
  let stopping = false;
  // Installed before any worker starts, so SIGHUP never finds the primary without a handler (which would end
  // it); passed on only to workers that listen, which have theirs.
  const listening = new Set<Worker>();
  const onListening = (worker: Worker, message: unknown): void => {
    if ((message as { type?: string } | null)?.type === LISTENING) listening.add(worker);
  };
  cluster.on('message', onListening);
  answerClusterMetrics();
  cluster.on('exit', (worker) => listening.delete(worker));
  const stopReloading = io.onReload?.(() => {
    for (const worker of listening) worker.process.kill('SIGHUP');
  });
  const started = waitUntilListening(count);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping || !started.settled) return;
    // A worker that dies while serving is replaced, so the server keeps its width.
    io.stderr(
      `cdn-include serve: worker ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting another\n`,
    );
    cluster.fork();
  });
  for (let index = 0; index < count; index++) cluster.fork();
  let url: string;
  try {
    url = await started.promise;
  } catch {
    stopReloading?.();
    stopping = true;
    await stopAll(shutdownTimeout);
    return EXIT_FAILURE;
  }
  io.stdout(`cdn-include serving ${root} at ${url} with ${count} workers\n`);
  const signal = await io.stopSignal;
  stopReloading?.();
  stopping = true;
  io.stdout(`cdn-include: ${signal} received, stopping ${count} workers\n`);
  await stopAll(shutdownTimeout);
  return EXIT_SUCCESS;
}

function waitUntilListening(count: number) {
  const state = { settled: false, promise: Promise.resolve('') };
  state.promise = new Promise<string>((resolve, reject) => {
    let ready = 0;
    const onMessage = (_worker: Worker, message: unknown) => {
      const { type, url } = (message ?? {}) as { type?: string; url?: string };
      if (type !== LISTENING || ++ready < count) return;
      state.settled = true;
      cluster.off('exit', onEarlyExit);
      resolve(url ?? '');
    };
    // A worker that exits before every worker listens failed to start (it printed why): give up.
    const onEarlyExit = () => {
      if (state.settled) return;
      state.settled = true;
      reject(new Error('a worker could not start'));
    };
    cluster.on('message', onMessage);
    cluster.on('exit', onEarlyExit);
  });
  return state;
}

function stopAll(shutdownTimeout: number): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter(
    (worker): worker is Worker => worker !== undefined,
  );
  return Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          const kill = setTimeout(() => worker.process.kill('SIGKILL'), shutdownTimeout + EXIT_GRACE_MS);
          worker.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          worker.process.kill('SIGTERM');
        }),
    ),
  ).then(() => undefined);
}
