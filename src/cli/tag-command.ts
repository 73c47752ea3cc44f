// `cdn-include tag PATH…`: prints the purge tag of each docroot path and of its folder (README "Behind a CDN"), so an
// operator can purge a fragment's pages from a CDN. Pure computation; no files are read.

import { directoryTagOf, tagOf } from '../server/purge-tags';
import { EXIT_SUCCESS, type Command, type CommandIo } from './command';
import { interpretArguments } from './flags';
import { UsageError, settleArguments, type ArgumentsResult } from './usage';

const TAG_HELP = `Usage: cdn-include tag PATH...

Prints the purge tag of each docroot PATH (as in the URL, decoded, with a leading slash), then the
tag of its folder. Every response of cdn-include serve carries, in Surrogate-Key and Cache-Tag, the
tag of its own path and of every file it was built from (includes, fsize/flastmod targets, missing
ones too). Purging a fragment's tag therefore evicts exactly the pages that include it. A page
whose tags would not fit in 16 KB carries folder tags instead, so purge both.

The tag is the first 12 hex digits of the SHA-256 of the path; a folder's is that of its path
with a trailing slash:
  printf %s /inc/header.html | sha256sum | cut -c1-12

Example:
  cdn-include tag /inc/header.html
  curl -X BAN -H "Surrogate-Key: $(cdn-include tag /inc/header.html | cut -f1 | head -1)" http://varnish/
`;

/**
 * Turns the arguments after `tag` into docroot paths. Pure.
 * @example parseTagArguments(['/inc/header.html']); // { kind: 'run', options: ['/inc/header.html'] }
 */
export function parseTagArguments(args: string[]): ArgumentsResult<string[]> {
  return interpretArguments(args, {}, '/', (_values, positionals) => {
    if (positionals.length === 0) throw new UsageError('missing PATH');
    for (const path of positionals) {
      if (!path.startsWith('/'))
        throw new UsageError(`PATH must start with '/', as in the URL, not '${path}'`);
    }
    return positionals;
  });
}

/** `cdn-include tag PATH…`: one line per path, `<file tag>\t<folder tag>\t<path>`. */
export const tagCommand: Command = {
  name: 'tag',
  help: TAG_HELP,
  run(args: string[], io: CommandIo): Promise<number> {
    return settleArguments(tagCommand, parseTagArguments(args), io, async (paths) => {
      for (const path of paths) io.stdout(`${tagOf(path)}\t${directoryTagOf(path)}\t${path}\n`);
      return EXIT_SUCCESS;
    });
  },
};
