// Test helper: counts the elementary work a synchronous, pure function does on its input, so a test can show that
// the work grows linearly with the input without reading a clock (which a loaded machine makes unreliable).
//
// Counted while the function runs: each element read of a byte array passed through `counted`, each String#charCodeAt
// and #codePointAt call (how re2js reads its subject), and each position examined by Buffer#indexOf and
// String#indexOf (the scans such code delegates to native code). Not counted: V8's own RegExp engine, string copies.

/** Positions examined by one indexOf call: from where it started to where it stopped. */
function scanned(length: number, found: number, from: unknown): number {
  const start = typeof from === 'number' ? (from < 0 ? Math.max(0, length + from) : from) : 0;
  return Math.max(0, (found === -1 ? length : found) - start);
}

/**
 * Runs `work` and returns how many element reads, character reads and indexOf positions it cost. `work` receives `counted`, which
 * wraps a byte array so that its element reads count.
 *
 * @example
 * const cost = workOf((counted) => tokenize(counted(page)));
 */
export function workOf(work: (counted: <T extends Uint8Array>(bytes: T) => T) => unknown): number {
  let total = 0;
  const counted = <T extends Uint8Array>(bytes: T): T =>
    new Proxy(bytes, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) total++;
        // The target as receiver: typed-array getters (buffer, length) refuse a proxy as `this`.
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  // Patched by hand rather than with jest.spyOn, which would keep every call's arguments (a million here).
  const bufferIndexOf = Buffer.prototype.indexOf;
  const stringIndexOf = String.prototype.indexOf;
  const charCodeAt = String.prototype.charCodeAt;
  const codePointAt = String.prototype.codePointAt;
  Buffer.prototype.indexOf = function (this: Buffer, ...args: Parameters<Buffer['indexOf']>) {
    const found = bufferIndexOf.apply(this, args);
    total += scanned(this.length, found, args[1]);
    return found;
  };
  String.prototype.indexOf = function (this: string, ...args: Parameters<string['indexOf']>) {
    const found = stringIndexOf.apply(this, args);
    total += scanned(this.length, found, args[1]);
    return found;
  };
  String.prototype.charCodeAt = function (this: string, position: number) {
    total++;
    return charCodeAt.call(this, position);
  };
  String.prototype.codePointAt = function (this: string, position: number) {
    total++;
    return codePointAt.call(this, position);
  };
  try {
    work(counted);
  } finally {
    Buffer.prototype.indexOf = bufferIndexOf;
    String.prototype.indexOf = stringIndexOf;
    String.prototype.charCodeAt = charCodeAt;
    String.prototype.codePointAt = codePointAt;
  }
  return total;
}
