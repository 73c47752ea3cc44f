// --help is made from the option declarations: every flag a command reads is listed once, each note sits under its
// own flag, and the README's CLI reference is the same text as --help.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_FLAGS, buildCommand } from '../../../src/cli/build-command';
import { flagHelp, withNote, type FlagDeclaration } from '../../../src/cli/flags';
import { COMMANDS, programHelp } from '../../../src/cli/main';
import { SERVE_FLAGS, serveCommand } from '../../../src/cli/serve-command';

/** The long flags a help text lists at the start of an option line, in order. */
function listedFlags(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, )?--([a-z-]+)/gm)].map((match) => match[1]);
}

/** The lines of `help` from the option line of `--flag` up to (not including) the next option line. */
function entryOf(help: string, flag: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^ {2}(-\\w, )?--${flag}\\b`).test(line));
  const end = lines.findIndex((line, index) => index > start && /^ {2}-/.test(line));
  return lines.slice(start, end);
}

describe('flagHelp', () => {
  const flag = (name: string, argument?: string): FlagDeclaration<undefined> => ({
    flag: { name, argument, help: `what ${name} does\nsecond line`, read: () => undefined },
  });

  it('a short flag › its help beside it from column 26, later lines below at the same column', () => {
    expect(flagHelp({ a: flag('port', 'N') })).toBe(
      '  --port N                what port does\n                          second line',
    );
  });

  it('a flag too long for its column › on a line of its own, its help below', () => {
    expect(flagHelp({ a: flag('surrogate-key-header', 'NAME') })).toBe(
      '  --surrogate-key-header NAME\n                          what surrogate-key-header does\n                          second line',
    );
  });

  it('a note › after the flag’s own lines; a hidden flag › not listed', () => {
    const hidden: FlagDeclaration<undefined> = { flag: { ...flag('manifest').flag, hidden: true } };
    expect(flagHelp({ a: withNote(flag('watch'), 'in this command, more'), b: hidden })).toBe(
      '  --watch                 what watch does\n                          second line\n                          in this command, more',
    );
  });
});

describe.each([
  ['serve', serveCommand.help, SERVE_FLAGS],
  ['build', buildCommand.help, BUILD_FLAGS],
])('%s --help', (_name, help, table) => {
  it('lists every flag the command reads (but a hidden one), once, in the table’s order', () => {
    const read = Object.values(table)
      .filter(({ flag }) => flag.hidden !== true)
      .map(({ flag }) => flag.name);
    expect(listedFlags(help)).toEqual([...read, 'help']);
  });

  it('--watch › its own lines and its note, then --purge-url (the note is no longer under --purge-tag-header)', () => {
    const watch = entryOf(help, 'watch');
    expect(watch[0]).toMatch(/^ {2}-w, --watch +watch ROOT; on a change/);
    expect(watch.at(-1)).toMatch(/either way\)$|until Ctrl-C$/);
    expect(entryOf(help, 'purge-tag-header')).toHaveLength(1);
    const lines = help.split('\n');
    expect(lines[lines.indexOf(watch.at(-1) as string) + 1]).toMatch(/^ {2}--purge-url URL/);
  });
});

describe('the README’s CLI reference', () => {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const reference = readme.slice(readme.indexOf('## CLI reference'));
  const blocks = [...reference.matchAll(/```\n(Usage: cdn-include[\s\S]*?)```/g)].map((match) => match[1]);

  it('cdn-include --help › the same text', () => {
    expect(blocks).toContain(programHelp());
  });

  it.each(COMMANDS.map((command) => [command.name, command.load().help]))(
    '%s --help › the same text',
    (name, help) => {
      expect(blocks.find((block) => block.startsWith(`Usage: cdn-include ${name} `))).toBe(help);
    },
  );
});
