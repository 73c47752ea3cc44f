// Fakes Date alone, so a test can stand a few seconds after its files were written (racy stamps settled) while
// sockets, streams and file I/O keep their real timers.

/** Sets Date.now() to `now` until jest.useRealTimers(); nothing else is faked. */
export function fakeDateOnly(now: number): void {
  jest.useFakeTimers({
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
    now,
  });
}
