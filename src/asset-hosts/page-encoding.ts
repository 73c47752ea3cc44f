// Whether a page's bytes can be rewritten by offset: not in UTF-16 (a BOM, or a meta charset saying so) nor in
// ISO-2022-JP, whose escape sequences make ASCII bytes stand for other characters. Pure: no I/O.

/** How far a meta charset is looked for (HTML's prescan reads the first 1024 bytes). */
const PRESCAN_BYTES = 1024;

/** A charset whose bytes are not ASCII-compatible, in a meta element (`charset=` or `content="…; charset=…"`). */
const UNSAFE_CHARSET = /charset\s*=\s*["']?\s*(utf-16(?:le|be)?|iso-2022-[a-z0-9-]*)/i;

/**
 * Why the page must be left alone (a short phrase naming its encoding), or undefined when its ASCII bytes are
 * ASCII characters.
 * @example encodingProblemOf(Buffer.from([0xff, 0xfe, 0x3c, 0x00])) // 'UTF-16 byte order mark'
 */
export function encodingProblemOf(page: Buffer): string | undefined {
  if (page.length >= 2 && ((page[0] === 0xff && page[1] === 0xfe) || (page[0] === 0xfe && page[1] === 0xff)))
    return 'UTF-16 byte order mark';
  const head = page.subarray(0, PRESCAN_BYTES).toString('latin1');
  const unsafe = UNSAFE_CHARSET.exec(head);
  if (unsafe && /<meta/i.test(head.slice(0, unsafe.index))) return `charset ${unsafe[1].toLowerCase()}`;
  return undefined;
}
