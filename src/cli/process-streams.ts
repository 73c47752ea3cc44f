// Writing to the process's stdout and stderr when the reader may go away: `cdn-include serve | head` closes the
// pipe after a few lines, and Node would then crash on the EPIPE error with a stack trace.

/** The error codes of writing to a pipe whose reader is gone. */
const CLOSED_PIPE_CODES: ReadonlySet<string> = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * A writer for `stream` that goes quiet once the reader closed the pipe: later text is dropped, the command
 * carries on (serve keeps serving without its access log, build finishes its work and exits with its own code).
 * Other errors still surface as before.
 * @example const stdout = pipeSafeWriter(process.stdout); stdout('hello\n');
 */
export function pipeSafeWriter(stream: NodeJS.WritableStream): (text: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (!CLOSED_PIPE_CODES.has(err.code ?? '')) throw err;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}
