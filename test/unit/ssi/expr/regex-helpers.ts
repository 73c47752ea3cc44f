// Compile-then-exec helper shared by the byte-regex tests. Pure: no I/O.

import { compileByteRegex, execByteRegex, type ExecResult } from '../../../../src/ssi/expr/byte-regex';

/** Compiles `pattern` (throwing if it does not compile) and runs it on `subject`. */
export function execRegex(pattern: string, caseInsensitive: boolean, subject: string): ExecResult {
  const compiled = compileByteRegex(pattern, caseInsensitive);
  if (!compiled.ok) throw new Error(compiled.message);
  return execByteRegex(compiled.regex, subject);
}
