// Command-line parsing shared by every command: util.parseArgs with `--help`, its errors turned into one
// line (`cdn-include serve: unknown option '--bogus' (see cdn-include serve --help)`) and exit code 2.

import { parseArgs, type ParseArgsConfig } from 'node:util';
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

/** A command's option table, as util.parseArgs takes it. */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

type ParsedArguments<T extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** The values util.parseArgs found for a command's options, keyed by long option name. */
export type OptionValues<T extends OptionsConfig> = ParsedArguments<T>['values'];

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's arguments strictly, answers `--help`/`-h`, and lets `build` turn the values into
 * options; a parse error or a UsageError thrown by `build` becomes a `usage-error` result, never a throw.
 * @example
 * interpretArguments(['--port', '80'], { port: { type: 'string' } }, (values) => ({ port: values.port }));
 */
export function interpretArguments<T extends OptionsConfig, R>(
  args: string[],
  options: T,
  build: (values: OptionValues<T>, positionals: string[]) => R,
): ArgumentsResult<R> {
  try {
    const config = { args, options: { ...options, ...HELP_OPTION }, allowPositionals: true, strict: true };
    const parsed = parseArgs(config as ParseArgsConfig);
    if (parsed.values['help'] === true) return { kind: 'help' };
    return { kind: 'run', options: build(parsed.values as OptionValues<T>, parsed.positionals) };
  } catch (err) {
    if (err instanceof UsageError) return { kind: 'usage-error', message: err.message };
    const message = describeParseError(err);
    if (message === undefined) throw err;
    return { kind: 'usage-error', message };
  }
}

/** Rewrites util.parseArgs' multi-sentence errors as one short clause; undefined for other errors. */
function describeParseError(err: unknown): string | undefined {
  // Duck-typed, not `instanceof Error`: Node's errors come from another realm under jest's sandbox.
  if (typeof err !== 'object' || err === null || !('code' in err) || !('message' in err)) return undefined;
  if (typeof err.code !== 'string' || typeof err.message !== 'string') return undefined;
  const option = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (err.message.includes('does not take an argument')) return `option '${option}' takes no value`;
      return `option '${option}' needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return 'unexpected argument';
    default:
      return err.code.startsWith('ERR_PARSE_ARGS_') ? err.message.split('\n')[0] : undefined;
  }
}

/**
 * Returns the only positional argument, `fallback` when there is none, or throws a UsageError.
 * @param what - how the argument is named in messages, e.g. `ROOT`
 */
export function optionalPositional(positionals: string[], what: string, fallback: string): string {
  if (positionals.length > 1)
    throw new UsageError(`unexpected extra argument '${positionals[1]}' after ${what}`);
  return positionals[0] ?? fallback;
}

/** Parses a whole number in [min, max] given to `option`, or throws a UsageError naming the option. */
export function parseIntegerOption(text: string, option: string, min: number, max: number): number {
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`option '--${option}' needs a whole number from ${min} to ${max}, not '${text}'`);
  }
  return value;
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
