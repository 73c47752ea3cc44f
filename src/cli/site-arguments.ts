// The arguments `serve` and `build` share: the site folder (ROOT), which files are SSI pages, and the
// expression syntax. Pure: resolves paths against the given working folder and touches no file.

import path from 'node:path';
import { EXIT_USAGE } from './command';
import { DEMO_SITE_ROOT, describeUnusableFolder } from './package-paths';
import { UsageError, formatUsageError, optionalPositional, type OptionValues } from './usage';

/** The file extension of SSI pages when none is given. */
export const DEFAULT_SSI_EXTENSIONS: readonly string[] = ['.shtml'];

/** The options both `serve` and `build` accept, in util.parseArgs form. */
export const SITE_OPTIONS = {
  'ssi-ext': { type: 'string', multiple: true },
  'legacy-expr': { type: 'boolean' },
  config: { type: 'string', short: 'c' },
} as const;

/** The help lines describing SITE_OPTIONS, aligned with the other option lines. */
export const SITE_OPTIONS_HELP = [
  '  --ssi-ext .EXT[,.EXT]   file extensions of the pages to expand, comma-separated or repeated',
  '                          (default: .shtml); other files are served or copied as they are',
  '  --legacy-expr           read #if/#elif expressions in the Apache 2.2 syntax ($x = y,',
  "                          SSILegacyExprParser on) instead of Apache 2.4's ap_expr",
  '  -c, --config FILE       read options from a JSON config file (flags given here win)',
].join('\n');

/** What SITE_OPTIONS and the ROOT argument select. */
export interface SiteArguments {
  /** The site's folder, absolute. @default the demo site shipped with the package */
  root: string;
  /** Extensions (with their dot) of the files expanded as SSI pages; undefined when not given. */
  ssiExtensions: string[] | undefined;
  /** Whether #if/#elif use the legacy (Apache 2.2) expression syntax instead of ap_expr. @default false */
  legacyExpr: boolean;
  /** The config file to read, absolute; undefined when not given. */
  config: string | undefined;
}

/** Reads ROOT (the only positional) and SITE_OPTIONS, or throws a UsageError. */
export function parseSiteArguments(
  values: OptionValues<typeof SITE_OPTIONS>,
  positionals: string[],
  cwd: string,
): SiteArguments {
  return {
    root: path.resolve(cwd, optionalPositional(positionals, 'ROOT', DEMO_SITE_ROOT)),
    ssiExtensions: values['ssi-ext'] === undefined ? undefined : parseSsiExtensions(values['ssi-ext']),
    legacyExpr: values['legacy-expr'] === true,
    config: values.config === undefined ? undefined : path.resolve(cwd, values.config),
  };
}

/** Normalizes `--ssi-ext` values (repeated or comma-separated) to `.ext` form (`shtml` → `.shtml`), without duplicates. */
export function parseSsiExtensions(given: readonly string[] | undefined): string[] {
  if (given === undefined || given.length === 0) return [...DEFAULT_SSI_EXTENSIONS];
  const extensions: string[] = [];
  for (const text of given.flatMap((value) => value.split(','))) {
    if (!/^\.?[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/.test(text)) {
      throw new UsageError(`option '--ssi-ext' needs a file extension such as '.shtml', not '${text}'`);
    }
    const extension = text.startsWith('.') ? text : `.${text}`;
    if (!extensions.includes(extension)) extensions.push(extension);
  }
  return extensions;
}

/** Runs `action` once ROOT is known to be a readable folder; otherwise one usage line and exit status 2. */
export async function whenRootIsUsable(
  commandName: string,
  root: string,
  io: { stderr: (text: string) => void },
  action: () => Promise<number>,
): Promise<number> {
  const unusable = describeUnusableFolder(root, 'ROOT');
  if (unusable === undefined) return action();
  io.stderr(formatUsageError(commandName, unusable));
  return EXIT_USAGE;
}
