// The arguments `serve` and `build` share: the site folder (ROOT), which files are SSI pages, the expression
// syntax, the config file and `--git-times`, each declared once. Pure: resolves paths against the given working
// folder and touches no file.

import path from 'node:path';
import { EXIT_USAGE } from './command';
import type { ExpressionSyntax } from '../ssi/expr';
import { rule, stringListRule, type ConfigRule } from './config-rules';
import { listed, overriding, switched, valued, type FlagDeclaration, type FlagValues } from './flags';
import { DEMO_SITE_ROOT, describeUnusableFolder } from './package-paths';
import { UsageError, formatUsageError, optionalPositional } from './usage';

/** The file extension of SSI pages when none is given. */
export const DEFAULT_SSI_EXTENSIONS: readonly string[] = ['.shtml'];

/** `--ssi-ext .EXT[,.EXT]`, the config key `ssiExtensions`. */
export const SSI_EXTENSIONS = overriding(
  listed(
    {
      name: 'ssi-ext',
      argument: '.EXT[,.EXT]',
      help:
        'file extensions of the pages to expand, comma-separated or repeated\n' +
        '(default: .shtml); other files are served or copied as they are',
    },
    parseSsiExtensions,
  ),
  stringListRule('ssiExtensions', 'a list of extensions such as [".shtml"]'),
);

/** `--legacy-expr`, the flag form of the config's `"expressionSyntax": "legacy"`. */
export const LEGACY_EXPR: FlagDeclaration<boolean> & { config: ConfigRule } = {
  flag: {
    ...switched(
      {
        name: 'legacy-expr',
        help:
          'read #if/#elif expressions in the Apache 2.2 syntax ($x = y,\n' +
          "SSILegacyExprParser on) instead of Apache 2.4's ap_expr",
      },
      true,
      false,
    ),
    asSetting: (on): ExpressionSyntax | undefined => (on ? 'legacy' : undefined),
  },
  config: rule(
    'expressionSyntax',
    (value) => value === 'ap-expr' || value === 'legacy',
    '"ap-expr" or "legacy"',
  ),
};

/** `-c, --config FILE`, absolute. */
export const CONFIG: FlagDeclaration<string | undefined> = {
  flag: valued(
    {
      name: 'config',
      short: 'c',
      argument: 'FILE',
      help: 'read options from a JSON config file (flags given here win)',
    },
    (given, cwd) => path.resolve(cwd, given),
  ),
};

/** `--git-times`: clean tracked files take the time of their last commit. */
export const GIT_TIMES: FlagDeclaration<boolean> = {
  flag: switched(
    {
      name: 'git-times',
      help:
        'take the time of each tracked, unmodified file of ROOT from the last commit\n' +
        'that touched it (committer time) instead of its mtime, which a fresh clone\n' +
        'sets to the checkout time; modified and untracked files keep their mtime;\n' +
        'ROOT outside a git work tree, or no git, is a usage error',
    },
    true,
    false,
  ),
};

/** The flags both `serve` and `build` start their options with, in --help order. */
export const SITE_FLAGS = { ssiExtensions: SSI_EXTENSIONS, legacyExpr: LEGACY_EXPR, config: CONFIG };

/** What SITE_FLAGS and the ROOT argument select. */
export type SiteArguments = FlagValues<typeof SITE_FLAGS> & {
  /** The site's folder, absolute. @default the demo site shipped with the package */
  root: string;
};

/** ROOT, the only positional, resolved against `cwd`; the demo site when none is given. */
export function siteRoot(positionals: string[], cwd: string): string {
  return path.resolve(cwd, optionalPositional(positionals, 'ROOT', DEMO_SITE_ROOT));
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
