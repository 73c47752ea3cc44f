// The contract between the CLI dispatcher and each command: what a command receives and what it returns.
// Types only; the process itself is bound in main.ts, so commands can be run in tests with fake streams.

/** What a command may touch: its output streams, the environment, the working folder and the stop signal. */
export interface CommandIo {
  /** Writes text to standard output as is (the caller adds line breaks). */
  stdout: (text: string) => void;
  /** Writes text to standard error as is (the caller adds line breaks). */
  stderr: (text: string) => void;
  /**
   * The width in columns of the terminal standard error is attached to; undefined when it is not a terminal
   * (a pipe, a file, a test), where nothing may be drawn in place.
   */
  stderrColumns?: number;
  /** The environment variables the command may read. */
  env: NodeJS.ProcessEnv;
  /** The absolute folder that relative paths on the command line are resolved against. */
  cwd: string;
  /** Resolves with the signal's name (`SIGINT`, `SIGTERM`) when the process is asked to stop. */
  stopSignal: Promise<string>;
  /**
   * Calls `listener` each time the process is asked to reload (SIGHUP) and returns what stops that; absent
   * where nothing can ask (then a command never reloads).
   */
  onReload?: (listener: () => void) => () => void;
}

/** One `cdn-include <name>` command, as listed in the dispatch table. */
export interface Command {
  /** The word that selects the command on the command line. */
  name: string;
  /** The full text printed by `cdn-include <name> --help`, ending with a line break. */
  help: string;
  /**
   * Runs the command with the arguments that follow its name.
   * @returns the exit code: 0 success, 1 failure, 2 usage error
   */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT_SUCCESS = 0;
/** The command ran and failed (a check found problems, a server could not start). */
export const EXIT_FAILURE = 1;
/** The command line was wrong; nothing was done. */
export const EXIT_USAGE = 2;
