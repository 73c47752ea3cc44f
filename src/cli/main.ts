#!/usr/bin/env node
// The program's entry: picks the command from a table, answers --help and --version, and binds the process
// (argv, streams, signals, exit code) to the commands' CommandIo.

import { EXIT_FAILURE, EXIT_SUCCESS, EXIT_USAGE, type Command, type CommandIo } from './command';
import { readPackageVersion } from './package-paths';
import { pipeSafeWriter } from './process-streams';
import { PROGRAM_NAME } from './usage';
import type * as BuildModule from './build-command';
import type * as CheckModule from './check-command';
import type * as ServeModule from './serve-command';
import type * as TagModule from './tag-command';

/**
 * A command as the dispatcher lists it: its name and summary, and how to load the rest. A command's modules are
 * loaded only when it runs, so `build` does not load Koa and the Redis client, nor `--version` anything (every
 * command loaded took about 270 ms of a CLI start on the benchmark machine, `build` alone about 140 ms).
 */
export interface CommandEntry {
  name: string;
  /** One line for the command list in `cdn-include --help`. */
  summary: string;
  load(): Command;
}

/* eslint-disable @typescript-eslint/no-require-imports -- require() in a function is what loads a module lazily in
   this CommonJS package; import() would be an ES module import, which needs extension-ful paths. */
/** Every command, in the order `cdn-include --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve',
    summary: 'serve an SSI site over HTTP with CDN-correct validators',
    load: () => (require('./serve-command') as typeof ServeModule).serveCommand,
  },
  {
    name: 'build',
    summary: 'render an SSI site to static files',
    load: () => (require('./build-command') as typeof BuildModule).buildCommand,
  },
  {
    name: 'check',
    summary: 'test whether an origin lets a CDN revalidate a page',
    load: () => (require('./check-command') as typeof CheckModule).checkCommand,
  },
  {
    name: 'tag',
    summary: "print a docroot path's purge tag (Surrogate-Key / Cache-Tag)",
    load: () => (require('./tag-command') as typeof TagModule).tagCommand,
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The text of `cdn-include --help`. */
export function programHelp(commands: readonly CommandEntry[] = COMMANDS): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 3;
  const list = commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n');
  return `Usage: ${PROGRAM_NAME} <command> [options]

Serves and builds Apache-style SSI (server-side includes) sites whose pages carry a virtual
Last-Modified, a strong ETag and RFC 9110 conditional requests, so a CDN can revalidate them
cheaply and never serve a stale page.

Commands:
${list}

Options:
  -h, --help     show this help
  --version      print the version

Run '${PROGRAM_NAME} <command> --help' for the options of a command.
`;
}

/**
 * Runs the command line `argv` (without the node and script paths) and returns the exit code.
 * @example
 * await runCli(['check', 'http://localhost:8080/'], io); // 0 when the origin revalidates correctly
 */
export async function runCli(
  argv: string[],
  io: CommandIo,
  commands: readonly CommandEntry[] = COMMANDS,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) return usageError(io, 'missing command');
  if (first === '--help' || first === '-h' || first === 'help') {
    if (rest[0] === undefined) return printed(io, programHelp(commands));
    const topic = commands.find((command) => command.name === rest[0]);
    return topic === undefined
      ? usageError(io, `unknown command '${rest[0]}'`)
      : printed(io, topic.load().help);
  }
  if (first === '--version') return printed(io, `${readPackageVersion()}\n`);
  if (first.startsWith('-')) return usageError(io, `unknown option '${first}'`);
  const command = commands.find((candidate) => candidate.name === first);
  if (command === undefined) return usageError(io, `unknown command '${first}'`);
  return command.load().run(rest, io);
}

function printed(io: CommandIo, text: string): number {
  io.stdout(text);
  return EXIT_SUCCESS;
}

function usageError(io: CommandIo, message: string): number {
  io.stderr(`${PROGRAM_NAME}: ${message} (see ${PROGRAM_NAME} --help)\n`);
  return EXIT_USAGE;
}

/** The CommandIo of this process. Signal handlers are installed only once a command reads `stopSignal`, so a
 * command that never does keeps Node's default (Ctrl-C ends the process at once). */
function processIo(): CommandIo {
  let stopSignal: Promise<string> | undefined;
  return {
    stdout: pipeSafeWriter(process.stdout),
    stderr: pipeSafeWriter(process.stderr),
    stderrColumns: process.stderr.isTTY ? process.stderr.columns || 80 : undefined,
    env: process.env,
    cwd: process.cwd(),
    get stopSignal(): Promise<string> {
      stopSignal ??= new Promise((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
      });
      return stopSignal;
    },
    // A handler replaces Node's default for SIGHUP (ending the process): only a command that reloads installs one.
    onReload(listener: () => void): () => void {
      process.on('SIGHUP', listener);
      return () => void process.off('SIGHUP', listener);
    },
  };
}

if (require.main === module) {
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `${PROGRAM_NAME}: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`,
      );
      process.exitCode = EXIT_FAILURE;
    },
  );
}
