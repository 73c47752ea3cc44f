// The SSI lexer: scans page bytes for directives, as mod_include's find_start_sequence … find_argument do.
// Pure: bytes in, tokens out; never decodes the page, never throws, linear in the page size.

import { type ByteString } from './byte-string';

/** The start and end sequences that delimit a directive (Apache's SSIStartTag / SSIEndTag). */
export interface TagPair {
  start: ByteString;
  end: ByteString;
}

/** Apache's default tags: `<!--#` … `-->`. */
export const DEFAULT_TAGS: TagPair = { start: '<!--#', end: '-->' };

/** One `name[=value]` of a directive. */
export interface DirectiveAttribute {
  /** Lower-cased (ASCII only, as apr_tolower in the C locale). */
  name: ByteString;
  /** The unquoted, unescaped raw value; null when the name has no `=` (most handlers then stop silently). */
  value: ByteString | null;
}

/** Why a directive could not be executed; Apache prints the errmsg for each of these (when printing). */
export type MalformedCode = 'unterminated-directive' | 'empty-directive-name' | 'attribute-syntax';

/** A piece of the page: literal text, a directive to execute, or a directive Apache rejects while lexing. */
export type Token =
  | { type: 'text'; start: number; end: number }
  | {
      type: 'directive';
      name: ByteString;
      attributes: DirectiveAttribute[];
      start: number;
      end: number;
      line: number;
    }
  | { type: 'malformed'; code: MalformedCode; name: ByteString; start: number; end: number; line: number };

type DirectiveToken = Extract<Token, { type: 'directive' }>;
type MalformedToken = Extract<Token, { type: 'malformed' }>;

const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BACKSLASH = 0x5c;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKTICK = 0x60;

/** apr_isspace in the C locale: SP HT LF VT FF CR. */
function isSpace(byte: number): boolean {
  return byte === SPACE || (byte >= TAB && byte <= CARRIAGE_RETURN);
}

function isQuote(byte: number): boolean {
  return byte === DOUBLE_QUOTE || byte === APOSTROPHE || byte === BACKTICK;
}

/** ASCII-only lower-casing: apr_tolower under the C locale leaves bytes ≥ 0x80 alone. */
function toAsciiLowerCase(text: ByteString): ByteString {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : text;
}

/** Handlers read attribute names and values as C strings, so a NUL byte ends them (`var="a\0b"` reads `a`). */
function truncateAtNul(text: ByteString): ByteString {
  const nul = text.indexOf('\0');
  return nul === -1 ? text : text.slice(0, nul);
}

/** The outcome of matching the end sequence at one position. */
type TailMatch = 'full' | 'partial-at-eof' | 'none';

/** Scanning state shared by the helpers of one tokenize() call. */
class DirectiveScanner {
  private readonly buffer: Buffer;
  private readonly endSequence: Buffer;
  private error: MalformedCode | undefined;
  private start = 0;
  private line = 1;

  constructor(
    private readonly source: Uint8Array,
    endSequence: ByteString,
  ) {
    this.buffer = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    this.endSequence = Buffer.from(endSequence, 'latin1');
  }

  /**
   * Parses one directive whose body starts at `bodyStart` (just after the start sequence); `end` is the
   * offset after the end sequence, or the page length when unterminated.
   */
  scan(start: number, bodyStart: number, line: number): DirectiveToken | MalformedToken {
    this.error = undefined;
    this.start = start;
    this.line = line;
    const length = this.source.length;
    const nameEnd = this.scanName(bodyStart);
    const name = toAsciiLowerCase(this.slice(bodyStart, nameEnd.end));
    if (nameEnd.kind === 'eof') return this.unterminated(name);
    // MI find_directive PARSE_DIRECTIVE_POSTNAME: an empty name is an error, but parsing goes on to the end tag.
    if (nameEnd.end === bodyStart) this.error = 'empty-directive-name';
    if (nameEnd.kind === 'tail') return this.finish(name, [], nameEnd.end + this.endSequence.length);
    const attributes: DirectiveAttribute[] = [];
    let position = nameEnd.end;
    for (;;) {
      position = this.skipSpace(position);
      if (position >= length) break;
      if (this.source[position] === this.endSequence[0]) {
        const tail = this.matchTail(position);
        if (tail === 'full') return this.finish(name, attributes, position + this.endSequence.length);
        if (tail === 'partial-at-eof') break;
        // MI find_tail: a candidate that does not fully match is re-parsed as an attribute.
      }
      const next = this.scanAttribute(position, attributes);
      if (next === undefined) break;
      position = next;
    }
    // MI send_parsed_content at EOS: "SSI directive was not properly finished"; its text is dropped.
    return this.unterminated(name);
  }

  private finish(
    name: ByteString,
    attributes: DirectiveAttribute[],
    end: number,
  ): DirectiveToken | MalformedToken {
    const { start, line } = this;
    if (this.error !== undefined) return { type: 'malformed', code: this.error, name, start, end, line };
    return { type: 'directive', name, attributes, start, end, line };
  }

  private unterminated(name: ByteString): MalformedToken {
    const { start, line } = this;
    return { type: 'malformed', code: 'unterminated-directive', name, start, end: this.source.length, line };
  }

  /**
   * MI find_directive: the name runs to whitespace or to the first position where the whole end sequence
   * matches (`<!--#printenv-->`); a partial match is part of the name.
   */
  private scanName(from: number): { kind: 'space' | 'tail' | 'eof'; end: number } {
    const length = this.source.length;
    for (let position = from; position < length; position++) {
      const byte = this.source[position];
      if (isSpace(byte)) return { kind: 'space', end: position };
      if (byte !== this.endSequence[0]) continue;
      const tail = this.matchTail(position);
      if (tail === 'full') return { kind: 'tail', end: position };
      if (tail === 'partial-at-eof') return { kind: 'eof', end: position };
    }
    return { kind: 'eof', end: length };
  }

  private matchTail(position: number): TailMatch {
    const endLength = this.endSequence.length;
    const length = this.source.length;
    for (let offset = 0; offset < endLength; offset++) {
      if (position + offset >= length) return 'partial-at-eof';
      if (this.source[position + offset] !== this.endSequence[offset]) return 'none';
    }
    return 'full';
  }

  /**
   * MI find_argument: `name [= value]`; returns the offset after it, or undefined at EOF. A quoted value
   * without a name, or `=` without a name, is a parse error (the value is still consumed).
   */
  private scanAttribute(from: number, attributes: DirectiveAttribute[]): number | undefined {
    const length = this.source.length;
    if (isQuote(this.source[from])) {
      this.error ??= 'attribute-syntax';
      return this.scanQuotedValue(from)?.next;
    }
    let nameEnd = from;
    while (nameEnd < length && !isSpace(this.source[nameEnd]) && this.source[nameEnd] !== EQUALS) nameEnd++;
    if (nameEnd >= length) return undefined;
    if (nameEnd === from) this.error ??= 'attribute-syntax';
    const name = truncateAtNul(toAsciiLowerCase(this.slice(from, nameEnd)));
    const equals = this.skipSpace(nameEnd);
    if (equals >= length) return undefined;
    if (this.source[equals] !== EQUALS) {
      attributes.push({ name, value: null });
      return equals;
    }
    const valueStart = this.skipSpace(equals + 1);
    if (valueStart >= length) return undefined;
    const scanned = isQuote(this.source[valueStart])
      ? this.scanQuotedValue(valueStart)
      : this.scanUnquotedValue(valueStart);
    if (scanned === undefined) return undefined;
    attributes.push({ name, value: truncateAtNul(scanned.value) });
    return scanned.next;
  }

  /** An unquoted value runs to the next whitespace only, so `var=x-->` swallows the end sequence. */
  private scanUnquotedValue(from: number): { value: ByteString; next: number } | undefined {
    const length = this.source.length;
    let position = from;
    while (position < length && !isSpace(this.source[position])) position++;
    if (position >= length) return undefined;
    return { value: this.slice(from, position), next: position + 1 };
  }

  /**
   * A quoted value runs to the next unescaped same quote; `\<quote>` stands for the quote, every other
   * backslash is kept (MI PARSE_ARG_VAL / PARSE_ARG_POSTVAL). The end sequence means nothing inside.
   */
  private scanQuotedValue(quotePosition: number): { value: ByteString; next: number } | undefined {
    const quote = this.source[quotePosition];
    const length = this.source.length;
    const parts: ByteString[] = [];
    let segmentStart = quotePosition + 1;
    for (let position = segmentStart; position < length; position++) {
      const byte = this.source[position];
      if (byte === quote) {
        parts.push(this.slice(segmentStart, position));
        return { value: parts.join(''), next: position + 1 };
      }
      if (byte !== BACKSLASH) continue;
      if (position + 1 >= length) return undefined;
      if (this.source[position + 1] === quote) {
        parts.push(this.slice(segmentStart, position));
        segmentStart = position + 1;
        position++;
      }
    }
    return undefined;
  }

  private skipSpace(from: number): number {
    let position = from;
    while (position < this.source.length && isSpace(this.source[position])) position++;
    return position;
  }

  private slice(start: number, end: number): ByteString {
    return this.buffer.toString('latin1', start, end);
  }
}

/**
 * Counts lines for increasing offsets, so a whole page costs one pass: each line feed is looked for once, and the
 * next one past the last offset is kept (a page without one would otherwise be scanned to its end per directive).
 */
class LineCounter {
  private line = 1;
  private nextLineFeed: number;

  constructor(private readonly buffer: Buffer) {
    this.nextLineFeed = buffer.indexOf(LINE_FEED);
  }

  lineAt(target: number): number {
    while (this.nextLineFeed !== -1 && this.nextLineFeed < target) {
      this.line++;
      this.nextLineFeed = this.buffer.indexOf(LINE_FEED, this.nextLineFeed + 1);
    }
    return this.line;
  }
}

/**
 * Splits a page into text and directive tokens, byte for byte as Apache httpd 2.4 mod_include lexes an
 * unsplit document.
 *
 * Text tokens cover every byte Apache copies through; a `malformed` token marks where Apache would print
 * its errmsg instead of executing (`unterminated-directive` also swallows the rest of the page). A page
 * ending in part of the start sequence (`pass <!--`) keeps that part as text.
 *
 * @param source - the page bytes
 * @param tags - the start and end sequences; with custom tags the defaults are not recognized
 * @default tags DEFAULT_TAGS
 * @example
 * tokenize(Buffer.from('a<!--#echo var="x" -->b'));
 * // [{ type: 'text', start: 0, end: 1 },
 * //  { type: 'directive', name: 'echo', attributes: [{ name: 'var', value: 'x' }], start: 1, end: 22, line: 1 },
 * //  { type: 'text', start: 22, end: 23 }]
 */
export function tokenize(source: Uint8Array, tags: TagPair = DEFAULT_TAGS): Token[] {
  const buffer = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const startSequence = Buffer.from(tags.start, 'latin1');
  const tokens: Token[] = [];
  // Empty tags are a configuration error in Apache; treat the page as plain text rather than loop forever.
  if (startSequence.length === 0 || tags.end.length === 0) {
    if (source.length > 0) tokens.push({ type: 'text', start: 0, end: source.length });
    return tokens;
  }
  const scanner = new DirectiveScanner(source, tags.end);
  const lines = new LineCounter(buffer);
  let position = 0;
  while (position < source.length) {
    // MI find_start_sequence: the first full occurrence wins; overlapping prefixes before it are text.
    const start = buffer.indexOf(startSequence, position);
    const textEnd = start === -1 ? source.length : start;
    if (textEnd > position) tokens.push({ type: 'text', start: position, end: textEnd });
    if (start === -1) break;
    const token = scanner.scan(start, start + startSequence.length, lines.lineAt(start));
    tokens.push(token);
    position = token.end;
  }
  return tokens;
}
