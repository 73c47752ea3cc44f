// substitute tests: mod_include ap_ssi_parse_string.

import { substituteVariables } from '../../../src/ssi/substitute';

const VARIABLES: Record<string, string> = {
  A: 'X',
  B: 'Y',
  a_1: 'z',
  EMPTY: '',
  DOLLAR: '$A',
  '0': 'zero',
  'a b': 'sp',
};
const lookup = (name: string): string | undefined => VARIABLES[name];

describe('substituteVariables', () => {
  it.each([
    ['${A}_${B}', 'X_Y'],
    ['$A$B', 'XY'],
    ['$a_1-', 'z-'],
    ['$A_', ''],
    ['\\$A', '$A'],
    ['a$', 'a$'],
    ['$ $-', '$ $-'],
    ['${}', '${}'],
    ['\\\\$A', '\\$A'],
    ['\\x\\', '\\x\\'],
    ['$NOPE|${NOPE}', '|'],
    ['$EMPTY.', '.'],
    ['$DOLLAR', '$A'],
    ['$0', 'zero'],
    ['${a b}', 'sp'],
    ['${A}}', 'X}'],
    ['$\xe9', '$\xe9'],
    ['plain', 'plain'],
  ])('%j › %j', (text, expected) => {
    expect(substituteVariables(text, lookup)).toEqual({ value: expected, truncated: false });
  });

  it.each([
    ['${A', ''],
    ['ab${A', 'ab'],
    ['$A${B', 'X'],
    ['${A}x${B', 'Xx'],
  ])('%j with no closing brace › truncated to %j', (text, expected) => {
    expect(substituteVariables(text, lookup)).toEqual({ value: expected, truncated: true });
  });

  it.each([
    ['$NOPE x', '$NOPE x'],
    ['${NOPE}x', '${NOPEx'],
    ['$A $EMPTY.', 'X .'],
  ])('keepUndefined, %j › %j (Apache drops the closing brace)', (text, expected) => {
    expect(substituteVariables(text, lookup, { keepUndefined: true }).value).toBe(expected);
  });

  it('a lookup › receives the name exactly as written', () => {
    const names: string[] = [];
    substituteVariables('$Doc_Name ${x-y}', (name) => {
      names.push(name);
      return undefined;
    });
    expect(names).toEqual(['Doc_Name', 'x-y']);
  });
});
