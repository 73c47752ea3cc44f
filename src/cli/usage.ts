// What every command does with its command line's outcome: prints help (exit 0), prints one usage line
// (`cdn-include serve: unknown option '--bogus' (see cdn-include serve --help)`, exit 2), or runs.

import { EXIT_SUCCESS, EXIT_USAGE, type Command, type CommandIo } from './command';

/** The program's name as typed by users. */
export const PROGRAM_NAME = 'cdn-include';

/** A mistake on the command line; its message is the part after `cdn-include <command>: `. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What parsing a command's arguments produced: options to run with, a request for help, or a usage error. */
export type ArgumentsResult<T> =
  { kind: 'run'; options: T } | { kind: 'help' } | { kind: 'usage-error'; message: string };

/**
 * Returns the only positional argument, `fallback` when there is none, or throws a UsageError.
 * @param what - how the argument is named in messages, e.g. `ROOT`
 */
export function optionalPositional(positionals: string[], what: string, fallback: string): string {
  if (positionals.length > 1)
    throw new UsageError(`unexpected extra argument '${positionals[1]}' after ${what}`);
  return positionals[0] ?? fallback;
}

/** The one usage-error line for `command`, with its line break. */
export function formatUsageError(commandName: string, message: string): string {
  return `${PROGRAM_NAME} ${commandName}: ${message} (see ${PROGRAM_NAME} ${commandName} --help)\n`;
}

/**
 * Acts on an ArgumentsResult: prints help (exit 0), prints the usage line (exit 2), or runs `action`.
 * @example
 * const result = parseServeArguments(args, io.cwd);
 * return settleArguments(serveCommand, result, io, (options) => serve(options, io));
 */
export async function settleArguments<T>(
  command: Pick<Command, 'name' | 'help'>,
  result: ArgumentsResult<T>,
  io: CommandIo,
  action: (options: T) => Promise<number>,
): Promise<number> {
  switch (result.kind) {
    case 'help':
      io.stdout(command.help);
      return EXIT_SUCCESS;
    case 'usage-error':
      io.stderr(formatUsageError(command.name, result.message));
      return EXIT_USAGE;
    case 'run':
      return action(result.options);
  }
}
