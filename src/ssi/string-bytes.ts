// What a string costs in the V8 heap, for caches that are bounded by bytes. Pure: no I/O.

/** V8's header of a sequential string (map, hash, length), rounded up: what even an empty key costs. */
export const STRING_HEADER_BYTES = 16;

// V8 stores a string one byte per character when every character is Latin-1, two bytes otherwise.
const WIDE_CHARACTER = /[^\u0000-\u00ff]/;

/**
 * The bytes `text` occupies in the heap: its header plus one byte per character, or two when it holds a
 * character beyond U+00FF. Request lines and header values from node:http are Latin-1, so they count one each.
 *
 * @example
 * stringBytes('/a?b') // 20
 */
export function stringBytes(text: string): number {
  const width = WIDE_CHARACTER.test(text) ? 2 : 1;
  return STRING_HEADER_BYTES + text.length * width;
}
