// The request-path guard: turns a request-target into a decoded path that cannot leave the docroot, or refuses.
// Pure: no I/O. Symlinks and realpath checks belong to the filesystem layer, not here.

import { isHiddenSegment } from '../engine/hidden-paths';

/** A usable path, or the status and a stable kebab-case reason code for refusing the request. */
export type RequestPathResult =
  | {
      ok: true;
      /** Decoded; starts with `/`; no `.` or `..` segments; no `//` runs; keeps a trailing `/`. */
      path: string;
      /** The raw query without `?`, still percent-encoded; `''` if none. */
      query: string;
      /** Whether the target had a `?`, even with nothing after it. */
      hasQuery: boolean;
    }
  | { ok: false; status: 400 | 403 | 404; reason: string };

type Refusal = Extract<RequestPathResult, { ok: false }>;

// RFC 9112 §3.2.2: absolute-form; only http and https are schemes a server of pages answers to.
const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;
// RFC 3986 §2: a request-target is visible ASCII only; anything else must arrive percent-encoded.
const NOT_VISIBLE_ASCII = /[^\x21-\x7e]/;
// C0 controls and DEL: never in a file name we serve; a decoded CR or LF could forge log lines or headers.
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a request-target (origin-form, or absolute-form whose path is taken) into a safe decoded path.
 *
 * Refusals, checked in this order so the most basic fault wins (400, then 403, then 404):
 * - 400 `bad-target`: not origin-form or http(s) absolute-form (`*`, `host:443`, `ftp://…`);
 * - 400 `nul-byte`: NUL, raw or `%00`; 400 `invalid-character`: any other raw byte outside visible ASCII
 *   (spaces, controls, non-ASCII must be percent-encoded); 400 `control-character`: an encoded C0 control
 *   or DEL (`%0a`);
 * - 400 `backslash`: `\`, raw or `%5c` (a path separator on Windows, a traversal vector through proxies);
 * - 400 `bad-percent-encoding`: `%` not followed by two hex digits;
 * - 400 `invalid-utf8`: decoded bytes that are not UTF-8, including overlong forms such as `%c0%ae`;
 * - 403 `dot-segment`: a `.` or `..` segment, raw or encoded (`%2e%2e`, `.%2e`, `%2E.`). It is refused, not
 *   normalized away: no legitimate link contains one, and refusing means the path seen here is the path
 *   any later layer sees;
 * - 404 `encoded-slash`: `%2f` inside a segment. A file name cannot contain `/`, so no such file exists;
 *   decoding it to a separator would let one segment hide others from the checks above;
 * - 404 `dotfile`: a segment starting with `.` (`.git`, `.htaccess`), except `/.well-known/` (RFC 8615).
 *
 * Empty segments (`//`) are collapsed; a fragment (`#…`), which clients should not send, is dropped.
 *
 * @example
 * parseRequestPath('/a%20b/c.shtml?x=1') // { ok: true, path: '/a b/c.shtml', query: 'x=1', hasQuery: true }
 * parseRequestPath('/%2e%2e/etc/passwd') // { ok: false, status: 403, reason: 'dot-segment' }
 */
export function parseRequestPath(rawTarget: string): RequestPathResult {
  if (rawTarget.includes('\0')) return refuse(400, 'nul-byte');
  if (NOT_VISIBLE_ASCII.test(rawTarget)) return refuse(400, 'invalid-character');
  const originForm = originFormOf(rawTarget);
  if (originForm === undefined) return refuse(400, 'bad-target');

  const withoutFragment = originForm.split('#', 1)[0];
  const questionMark = withoutFragment.indexOf('?');
  const hasQuery = questionMark !== -1;
  const rawPath = hasQuery ? withoutFragment.slice(0, questionMark) : withoutFragment;
  const query = hasQuery ? withoutFragment.slice(questionMark + 1) : '';

  const segments: string[] = [];
  for (const rawSegment of rawPath.split('/')) {
    if (rawSegment === '') continue;
    const decoded = decodeSegment(rawSegment);
    if (typeof decoded !== 'string') return decoded;
    segments.push(decoded);
  }
  const refusal = refuseUnsafeSegments(segments);
  if (refusal !== undefined) return refusal;

  const trailingSlash = rawPath.endsWith('/') && segments.length > 0 ? '/' : '';
  return { ok: true, path: '/' + segments.join('/') + trailingSlash, query, hasQuery };
}

/** The origin-form part of a target: itself, or the path and query of an absolute-form target. */
function originFormOf(rawTarget: string): string | undefined {
  if (rawTarget.startsWith('/')) return rawTarget;
  const authority = ABSOLUTE_FORM.exec(rawTarget);
  if (authority === null) return undefined;
  // RFC 9112 §3.2.2: an empty path in absolute-form means "/".
  const rest = rawTarget.slice(authority[0].length);
  return rest.startsWith('/') ? rest : '/' + rest;
}

/** Percent-decodes one raw segment into text, or refuses it with a 400. */
function decodeSegment(rawSegment: string): string | Refusal {
  if (rawSegment.includes('\\')) return refuse(400, 'backslash');
  // The target is visible ASCII (checked first): without an escape, the segment is its own UTF-8 text.
  if (!rawSegment.includes('%')) return rawSegment;
  const bytes: number[] = [];
  for (let index = 0; index < rawSegment.length; index++) {
    const char = rawSegment[index];
    if (char !== '%') {
      bytes.push(char.charCodeAt(0));
      continue;
    }
    // RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG.
    const hex = rawSegment.slice(index + 1, index + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return refuse(400, 'bad-percent-encoding');
    bytes.push(parseInt(hex, 16));
    index += 2;
  }
  if (bytes.includes(0)) return refuse(400, 'nul-byte');
  // Backslash is ASCII, so it cannot hide inside a multi-byte sequence; check before decoding.
  if (bytes.includes(0x5c)) return refuse(400, 'backslash');
  let text: string;
  try {
    text = UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return refuse(400, 'invalid-utf8');
  }
  if (CONTROL_CHARACTER.test(text)) return refuse(400, 'control-character');
  return text;
}

/** Refuses dot segments (403), then encoded slashes and dotfiles (404), over all decoded segments. */
function refuseUnsafeSegments(segments: string[]): Refusal | undefined {
  // An encoded slash is split here too, so `..%2f` is reported as the traversal it is.
  const isDotSegment = (part: string): boolean => part === '.' || part === '..';
  if (segments.some((segment) => segment.split('/').some(isDotSegment))) return refuse(403, 'dot-segment');
  if (segments.some((segment) => segment.includes('/'))) return refuse(404, 'encoded-slash');
  // RFC 8615: /.well-known/ is the one dot-directory meant to be served, and only at the root.
  if (segments.some(isHiddenSegment)) return refuse(404, 'dotfile');
  return undefined;
}

function refuse(status: 400 | 403 | 404, reason: string): Refusal {
  return { ok: false, status, reason };
}
