// Which docroot paths are hidden: never served, included, built or watched. One rule for the whole server.
// Pure: no I/O.

/**
 * True for a segment the server never serves: a dotfile or dot-directory (`.git`, `.env`, `.htpasswd`), except
 * `.well-known` as the first segment (RFC 8615: the one dot-directory meant to be served, and only at the root).
 *
 * @param index the segment's position below the root: 0 for `a` in `/a/b`
 */
export function isHiddenSegment(segment: string, index: number): boolean {
  return segment.startsWith('.') && !(index === 0 && segment === '.well-known');
}

/**
 * True when any segment of the docroot path `path` (`/a/.env`) is hidden.
 *
 * @example
 * isHiddenPath('/.git/config'); // true
 * isHiddenPath('/.well-known/security.txt'); // false
 */
export function isHiddenPath(path: string): boolean {
  const segments = path.split('/');
  // A docroot path starts with '/': segment 0 of the split is the empty string before it.
  const offset = segments[0] === '' ? 1 : 0;
  for (let index = offset; index < segments.length; index++)
    if (isHiddenSegment(segments[index], index - offset)) return true;
  return false;
}
