// The Content-Type of a rendered SSI page, the same for `serve` and `build`. Pure: a lookup by name.

import { mediaTypeOf } from './media-types';

/**
 * The type a page at `path` is sent with: its own `text/*` type (`.txt`, `.css` pages stay what they are), else
 * HTML (an `.shtml` page, whose extension mime-types may not know or may call something else).
 * @example pageContentType('/index.shtml') // 'text/html'
 */
export function pageContentType(path: string): string {
  const type = mediaTypeOf(path);
  return type && type.startsWith('text/') ? type : 'text/html';
}
