// The bound on page text quoted in a diagnostic: a page controls its expressions and attribute values, and a log
// line must not carry a 100 KB expression. Pure: no I/O.

/** Characters (bytes, for a ByteString) of page text a diagnostic quotes before cutting it. */
export const MAX_EXCERPT_LENGTH = 200;

/**
 * `text` itself when it is at most `maxLength` long, else its first `maxLength` characters and `…`.
 * @example excerpt('x'.repeat(1000)).length; // 201
 */
export function excerpt(text: string, maxLength = MAX_EXCERPT_LENGTH): string {
  if (text.length <= maxLength) return text;
  // Never split a UTF-16 surrogate pair in a (non-byte) string.
  const code = text.charCodeAt(maxLength - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? maxLength - 1 : maxLength;
  return `${text.slice(0, end)}…`;
}
