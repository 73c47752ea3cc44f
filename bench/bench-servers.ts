// Starts every server of the bench on its own free port: cdn-include (1 and 2 workers, cache off), the three
// Koa baselines, Apache, nginx (1 and 2 workers), lighttpd. A server that fails to start is reported, and its
// rows are then marked, rather than ending the run.

import type { RunningServer, ServerCommand } from './server-process';
import { freePort } from './server-process';
import { apacheServer } from './servers/apache';
import { cdnIncludeServer, type ServeFeatures } from './servers/cdn-include';
import { koaBaselineServer } from './servers/koa-baselines';
import { lighttpdServer } from './servers/lighttpd';
import { nginxServer } from './servers/nginx';
import type { ServerSetup } from './servers/server-setup';

/** The servers that started. */
export interface BenchServersResult {
  /** Scenario.server key → port, for the servers that are running. */
  ports: Map<string, number>;
  /** Scenario.server key → process group (the spawned process's pid), whose CPU the bench reads. */
  groups: Map<string, number>;
  /** Each server's command line, for the results file. */
  commands: string[];
  /** Lines for the reader: flags missing, servers that did not start. */
  notes: string[];
}

type ServerFactory = (port: number) => ServerCommand;

function factories(
  setup: ServerSetup,
  features: ServeFeatures,
  notes: string[],
  ports: ReadonlyMap<string, number>,
): Array<[string, ServerFactory]> {
  const list: Array<[string, ServerFactory]> = [
    ['cdn-1w', (port) => cdnIncludeServer(setup, port, 1, 'cdn-include 1w')],
  ];
  if (features.workers) list.push(['cdn-2w', (port) => cdnIncludeServer(setup, port, 2, 'cdn-include 2w')]);
  else notes.push('cdn-include 2w: n/a (flag missing: `serve --workers` is not in this build)');
  const cacheOff = features.cacheOff;
  if (cacheOff !== undefined) {
    list.push([
      'cdn-cold',
      (port) => cdnIncludeServer(setup, port, 1, 'cdn-include 1w cache off', [cacheOff]),
    ]);
  } else {
    notes.push(
      'cdn-include cold render: n/a (flag missing: no `--no-…cache` switch in `serve --help` to turn the render cache off)',
    );
  }
  list.push(
    ['koa-constant', (port) => koaBaselineServer(setup, port, 'constant')],
    // Started after cdn-include 1w, whose answers it copies (a missing one makes it fail, and its rows are marked).
    ['koa-fields', (port) => koaBaselineServer(setup, port, 'fields', ports.get('cdn-1w'))],
    ['koa-static', (port) => koaBaselineServer(setup, port, 'static')],
    ['apache', (port) => apacheServer(setup, port)],
    ['nginx-1w', (port) => nginxServer(setup, port, 1)],
    ['nginx-2w', (port) => nginxServer(setup, port, 2)],
    ['lighttpd', (port) => lighttpdServer(setup, port)],
  );
  return list;
}

/** Starts each server in turn, adding it to `running` as soon as it runs (so the caller can always stop it). */
export async function startBenchServers(
  setup: ServerSetup,
  features: ServeFeatures,
  start: (command: ServerCommand) => Promise<RunningServer>,
  running: RunningServer[],
  log: (line: string) => void,
): Promise<BenchServersResult> {
  const result: BenchServersResult = { ports: new Map(), groups: new Map(), commands: [], notes: [] };
  for (const [key, factory] of factories(setup, features, result.notes, result.ports)) {
    const command = factory(await freePort());
    try {
      const server = await start(command);
      running.push(server);
      result.ports.set(key, command.port);
      result.groups.set(key, server.pid);
      result.commands.push([command.command, ...command.args].join(' '));
      log(`started ${command.name} on 127.0.0.1:${command.port}`);
    } catch (err) {
      result.notes.push(`${command.name}: did not start (${(err as Error).message.split('\n').join(' ')})`);
      log(`${command.name} did not start: ${(err as Error).message}`);
    }
  }
  return result;
}
