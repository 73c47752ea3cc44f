// Header names in their conventional spelling, for Vary. Pure: no I/O.

// Canonical spellings where title-casing each word would be wrong, keyed by lower-case name.
const WELL_KNOWN_HEADER_NAMES = new Map(
  [
    'DNT',
    'TE',
    'ECT',
    'RTT',
    'DPR',
    'X-Real-IP',
    'X-Client-IP',
    'True-Client-IP',
    'X-Forwarded-For',
    'CF-Connecting-IP',
    'CF-IPCountry',
    'CF-Ray',
    'CF-Visitor',
    'CDN-Loop',
    'X-CSRF-Token',
    'X-XSRF-Token',
    'X-UA-Compatible',
    'X-ATT-DeviceId',
    'X-HTTP-Method-Override',
    'X-Request-ID',
    'X-Correlation-ID',
    'Sec-CH-UA',
    'Sec-CH-UA-Mobile',
    'Sec-CH-UA-Platform',
    'Sec-CH-UA-Arch',
    'Sec-CH-UA-Model',
    'Sec-CH-Prefers-Color-Scheme',
    'Sec-CH-Prefers-Reduced-Motion',
    'Sec-GPC',
    'Sec-WebSocket-Key',
    'Sec-WebSocket-Version',
    'Content-MD5',
    'WWW-Authenticate',
  ].map((name): [string, string] => [name.toLowerCase(), name]),
);

/**
 * Spells a header name the conventional way: the well-known spelling if there is one, otherwise each
 * `-`-separated word capitalised. Header names are case-insensitive (RFC 9110 §5.1); this is cosmetic.
 *
 * @example canonicalHeaderName('x-forwarded-for') // 'X-Forwarded-For'
 */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  const known = WELL_KNOWN_HEADER_NAMES.get(lower);
  if (known !== undefined) return known;
  return lower.replace(
    /(^|-)([a-z])/g,
    (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
}

/**
 * The header a CGI-style variable name stands for, without its `HTTP_` prefix (Apache builds `HTTP_*` from a
 * header's name upper-cased, `-` turned into `_`), in its conventional spelling.
 *
 * @example headerNameOfVariable('ACCEPT_LANGUAGE') // 'Accept-Language'
 */
export function headerNameOfVariable(variableSuffix: string): string {
  return canonicalHeaderName(variableSuffix.toLowerCase().replace(/_/g, '-'));
}
