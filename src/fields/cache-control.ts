// The Cache-Control field (RFC 9111 §5.2): split into directives, a directive's name, parsed into a map. The one
// reader of the field for the origin (validating and rewriting its own policy) and the auditor (judging others').

/**
 * The directives of a Cache-Control value, trimmed, empty members dropped: `#cache-directive`, where a
 * quoted-string argument may contain commas (`no-cache="Set-Cookie, X-Foo"`).
 */
export function splitCacheControl(value: string): string[] {
  const directives: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (quoted && char === '\\') {
      current += char + (value[index + 1] ?? '');
      index++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      directives.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  directives.push(current);
  return directives.map((directive) => directive.trim()).filter((directive) => directive !== '');
}

/** A directive's name, lower-case: `Max-Age=60` → `max-age`. */
export function directiveName(directive: string): string {
  const equals = directive.indexOf('=');
  return (equals === -1 ? directive : directive.slice(0, equals)).trim().toLowerCase();
}

/**
 * Cache-Control directives by lower-case name; a directive without a value maps to `''`, a quoted value is
 * unquoted. The first occurrence of a repeated directive wins (RFC 9111 §4.2.1).
 */
export function parseCacheControl(value: string | undefined): Map<string, string> {
  const directives = new Map<string, string>();
  for (const directive of splitCacheControl(value ?? '')) {
    const name = directiveName(directive);
    const equals = directive.indexOf('=');
    const raw = equals === -1 ? '' : directive.slice(equals + 1).trim();
    const unquoted = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    if (name !== '' && !directives.has(name)) directives.set(name, unquoted);
  }
  return directives;
}
