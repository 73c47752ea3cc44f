// `cdn-include build`: its help text and argument parsing. The static build is not wired in yet, so after
// validating its arguments the command says so and fails.

import path from 'node:path';
import { EXIT_FAILURE, EXIT_USAGE, type Command, type CommandIo } from './command';
import { describeUnusableFolder } from './package-paths';
import { SITE_OPTIONS, SITE_OPTIONS_HELP, parseSiteArguments, type SiteArguments } from './site-arguments';
import { UsageError, formatUsageError, interpretArguments, settleArguments } from './usage';
import type { ArgumentsResult } from './usage';

/** What `cdn-include build` was asked to do. */
export interface BuildOptions extends SiteArguments {
  /** The folder the rendered site is written to, absolute; never ROOT itself nor a folder containing it. */
  out: string;
}

const BUILD_OPTIONS = {
  ...SITE_OPTIONS,
  out: { type: 'string', short: 'o' },
} as const;

const BUILD_HELP = `Usage: cdn-include build [ROOT] --out DIR [options]

Renders every SSI page in ROOT, with its includes expanded, to a static file in DIR and copies
the other files as they are, so the site can be published without an SSI server.

Arguments:
  ROOT                    the site's folder (default: the demo site shipped with cdn-include)

Options:
  -o, --out DIR           the folder to write the site to (required); must not be ROOT or contain it
${SITE_OPTIONS_HELP}
  -h, --help              show this help

Example:
  cdn-include build ./public --out ./dist-site
`;

/**
 * Turns the arguments after `build` into BuildOptions, a help request, or a usage error. Pure: relative
 * paths are resolved against `cwd`, and no folder is checked.
 * @example
 * parseBuildArguments(['site', '--out', 'out'], '/srv');
 * // → { kind: 'run', options: { root: '/srv/site', out: '/srv/out', ssiExtensions: ['.shtml'], … } }
 */
export function parseBuildArguments(args: string[], cwd: string): ArgumentsResult<BuildOptions> {
  return interpretArguments(args, BUILD_OPTIONS, (values, positionals) => {
    const site = parseSiteArguments(values, positionals, cwd);
    if (values.out === undefined || values.out === '')
      throw new UsageError("missing required option '--out DIR'");
    const out = path.resolve(cwd, values.out);
    if (isSameOrInside(site.root, out)) {
      throw new UsageError(`option '--out' must not be ROOT or a folder containing it ('${out}')`);
    }
    return { ...site, out };
  });
}

/** True when `inner` is `outer` or lies below it. */
function isSameOrInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

/** `cdn-include build [ROOT] --out DIR [--ssi-ext .EXT] [--legacy-expr]` */
export const buildCommand: Command = {
  name: 'build',
  summary: 'render an SSI site to static files',
  help: BUILD_HELP,
  run(args: string[], io: CommandIo): Promise<number> {
    return settleArguments(buildCommand, parseBuildArguments(args, io.cwd), io, async (options) => {
      const unusable = describeUnusableFolder(options.root, 'ROOT');
      if (unusable !== undefined) {
        io.stderr(formatUsageError('build', unusable));
        return EXIT_USAGE;
      }
      io.stderr('cdn-include build: not available yet\n');
      return EXIT_FAILURE;
    });
  },
};
