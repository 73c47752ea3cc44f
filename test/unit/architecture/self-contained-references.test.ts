// Every reference in the code, tests and docs leads to something a reader of this repository can open: an RFC
// section, Apache's behaviour, or a section of the README or docs/, never the behaviour document the project was
// first written from (kept outside the repository: its file name, its numbered checks, its lettered sections).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** This file names the forbidden forms in order to find them. */
const THIS_FILE = 'test/unit/architecture/self-contained-references.test.ts';

/** Ways of citing the outside behaviour document, each with what a reader would be missing. */
const OUTSIDE_REFERENCES: { pattern: RegExp; why: string }[] = [
  { pattern: /SPEC\.md/i, why: 'names the outside document' },
  { pattern: /\bSPEC\b/, why: 'names the outside document' },
  { pattern: /\[DECIDED\]/i, why: "the outside document's mark for a design choice" },
  {
    // "check 12", "(check 7)", "checks 76-77": its numbered acceptance checks. The `check` command is not one:
    // `cdn-include check 127.0.0.1:8080` names an address, and "the check command" has no number.
    pattern: /(?<!cdn-include )\bchecks? #?\d{1,3}\b(?![.:]\d)/i,
    why: 'a numbered acceptance check of the outside document',
  },
  {
    // "(B.2)", "A.5", "§B.6": its lettered sections. RFC sections are numbers only (RFC 9110 §13.2.2).
    pattern: /(?<![\w.§])§?\s?[ABC]\.\d{1,2}\b(?!\.\d)/,
    why: 'a lettered section of the outside document',
  },
];

/** The text of a file, or nothing for a binary one (a NUL byte in its first 8 KiB, as git decides). */
function textOf(file: string): string | undefined {
  const bytes = readFileSync(join(ROOT, file));
  return bytes.subarray(0, 8192).includes(0) ? undefined : bytes.toString('utf8');
}

/** Every file of the repository (sources, tests, benchmarks, CI, demo site, docs) present in the work tree. */
function trackedFiles(): string[] {
  const listing = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return listing
    .split('\0')
    .filter((file) => file !== '' && file !== THIS_FILE && existsSync(join(ROOT, file)));
}

/** Every line of `text` that cites the outside document, as `file:line: why: text`. */
function outsideReferencesIn(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, index) =>
      OUTSIDE_REFERENCES.filter(({ pattern }) => pattern.test(line)).map(
        ({ why }) => `${file}:${index + 1}: ${why}: ${line.trim()}`,
      ),
    );
}

// The flagged examples are spelled in pieces, so that this file, like every other, never names the outside
// document or its mark itself.
const OUTSIDE_NAME = ['SPEC', 'md'].join('.');
const DECISION_MARK = ['[', 'DECIDED', ']'].join('');

describe('self-contained references', () => {
  it('no tracked file cites the outside behaviour document', () => {
    const found = trackedFiles().flatMap((file) => {
      const text = textOf(file);
      return text === undefined ? [] : outsideReferencesIn(file, text);
    });
    expect(found).toEqual([]);
  });

  it.each([
    [`see ${OUTSIDE_NAME}`, true],
    [`as decided ${DECISION_MARK}`, true],
    ["it('check 12: an undefined variable'", true],
    ['a 404 ignores preconditions (check 63)', true],
    ['purge tags (checks 76-77)', true],
    ['the mtime of its nearest existing ancestor (B.2)', true],
    ['a strong validator (RFC 9110 §8.8.2.2)', false],
    ['the `check` command audits any origin', false],
    ['cdn-include check 127.0.0.1:8080', false],
    ['check the 304 carries the ETag', false],
    ['version 2.4.71 of httpd', false],
  ])('the line %p › is flagged: %p', (line, flagged) => {
    expect(outsideReferencesIn('example.ts', line).length > 0).toBe(flagged);
  });
});
