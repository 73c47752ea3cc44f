// Standard output written in batches instead of once per line: `serve`'s access log once per turn of the event
// loop (one line per request made a write, a system call and a pass through the stream, of every warm response),
// and `build`'s report of rendered pages in a few writes. Holds at most a bounded number of bytes; never drops a line.

/** Bytes held before they are written at once, without waiting for the end of the turn. */
export const MAX_BATCHED_BYTES = 65536;

/** A writer that batches, and what writes what it holds now. */
export interface BatchedOutput {
  /** Takes `text` to be written at the end of this turn of the event loop, or at once past the bound. */
  write(text: string): void;
  /** Writes what is held now (before the process exits, or before it hands over to another writer). */
  flush(): void;
}

/**
 * Batches the text given to `write` into one call of `writeThrough` per turn of the event loop. Past `maxBytes`
 * held, the batch is written at once, in the caller's turn: a slow reader then slows the writer down as a direct
 * write would (Node writes stdout to files and pipes synchronously on Linux), rather than growing a buffer or
 * losing lines — an access log is a record, and a counter of dropped lines tells no one which requests were lost.
 * @example const out = batchedOutput(io.stdout); out.write('one line\n'); // written when this turn ends
 */
export function batchedOutput(
  writeThrough: (text: string) => void,
  maxBytes: number = MAX_BATCHED_BYTES,
): BatchedOutput {
  let held = '';
  let scheduled: NodeJS.Immediate | undefined;
  const flush = (): void => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (held === '') return;
    const text = held;
    held = '';
    writeThrough(text);
  };
  return {
    write(text: string): void {
      held += text;
      // Characters, not bytes: a character is at most three UTF-8 bytes, so the bound holds within a factor of three.
      if (held.length >= maxBytes) return flush();
      scheduled ??= setImmediate(flush);
    },
    flush,
  };
}

/**
 * Writes `lines` (each ending in its newline) through `writeThrough` in as few calls as `maxBytes` allows: a write
 * per line cost 40-50 ms of the report of a 10,000-page build into a pipe.
 * @example writeLines(io.stdout, ['rendered /a.shtml\n', 'rendered /b.shtml\n']); // one write
 */
export function writeLines(
  writeThrough: (text: string) => void,
  lines: readonly string[],
  maxBytes: number = MAX_BATCHED_BYTES,
): void {
  let held = '';
  for (const line of lines) {
    held += line;
    if (held.length >= maxBytes) {
      writeThrough(held);
      held = '';
    }
  }
  if (held !== '') writeThrough(held);
}
