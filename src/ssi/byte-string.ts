// Byte strings: the one way page bytes become JavaScript strings in this project. Pure: no I/O.
//
// A ByteString holds one byte per UTF-16 code unit (every char code is 0–255), made by decoding with
// 'latin1'. The mapping is lossless in both directions, so directive values, variables and regular
// expressions can use ordinary string operations while every byte of the page survives unchanged,
// whatever its charset. Never decode page bytes as UTF-8.

/** A string whose every char code is one byte (0–255). */
export type ByteString = string;

/** Turns a ByteString back into the bytes it stands for. */
export function fromByteString(text: ByteString): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Encodes ordinary (Unicode) text, such as a file name or a header value, as the UTF-8 bytes it is sent as. */
export function utf8ToByteString(text: string): ByteString {
  return Buffer.from(text, 'utf8').toString('latin1');
}
