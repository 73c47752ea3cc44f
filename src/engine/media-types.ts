// The media type of a file by its name, from mime-types' table, loaded on first use: reading its JSON database
// took a sixth of the module loading of a CLI start here (about 14 ms), which a build whose main thread renders
// nothing, or a command that serves nothing, never needs.

import type * as MimeTypes from 'mime-types';

let table: typeof MimeTypes | undefined;

/**
 * The media type mime-types gives `path`'s extension, or false when it knows none.
 * @example mediaTypeOf('/a/b.css') // 'text/css'
 */
export function mediaTypeOf(path: string): string | false {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() in a function is a lazy load
  table ??= require('mime-types') as typeof MimeTypes;
  return table.lookup(path);
}
