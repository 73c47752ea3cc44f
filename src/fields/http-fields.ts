// HTTP field syntax shared by every layer that reads or writes header fields (RFC 9110 §5): the token rule and the
// flattening of a field sent on several lines. Pure.

// RFC 9110 §5.6.2: token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
// / "`" / "|" / "~" / DIGIT / ALPHA.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `text` is a token (RFC 9110 §5.6.2): a field name, a method, a Cache-Control directive name. */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** Whether `text` is `type/subtype`, each a token (RFC 9110 §8.3.1); `*` is a token, so `image/*` is one too. */
export function isMediaRange(text: string): boolean {
  const slash = text.indexOf('/');
  return slash > 0 && isToken(text.slice(0, slash)) && isToken(text.slice(slash + 1));
}

// RFC 9110 §5.5: field-content is visible characters, SP and HTAB; obs-text (bytes ≥ 0x80) is not generated here.
const SENDABLE_FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Whether `text` may be sent as a field value: visible ASCII, spaces and tabs only (RFC 9110 §5.5), so no CR/LF
 * can split the header and no byte depends on an encoding.
 */
export function isSendableFieldValue(text: string): boolean {
  return SENDABLE_FIELD_VALUE.test(text);
}

/**
 * One value of a field as Node's IncomingHttpHeaders holds it: lines of a repeated field joined with `, `, which
 * RFC 9110 §5.3 makes equivalent to one comma-separated line.
 */
export function fieldValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

// RFC 9110 §5.6.3: OWS = *( SP / HTAB ).
const EDGE_OWS = /^[ \t]+|[ \t]+$/g;

/**
 * The members of a comma-separated list (RFC 9110 §5.6.1), optional whitespace trimmed, empty members dropped (a
 * recipient ignores them). Quoted strings are not parsed: for lists of tokens (Vary, codings, byte ranges).
 */
export function listMembers(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((member) => member.replace(EDGE_OWS, ''))
    .filter((member) => member !== '');
}
