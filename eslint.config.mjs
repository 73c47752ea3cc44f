// The linter: typescript-eslint's recommended rules, type-only imports written as such, and the house layering
// (test/unit/architecture/layers.json: which src/ folders each folder may import) enforced on every import.

import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** @type {Record<string, string[]>} */
const LAYERS = JSON.parse(readFileSync(new URL('./test/unit/architecture/layers.json', import.meta.url), 'utf8'));

/** One block per src/ folder: a relative import that climbs out of the folder may name only the layers it allows. */
const layerBlocks = Object.entries(LAYERS).map(([layer, allowed]) => {
  const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
              message: `src/${layer}/ may import only ${allowed.length ? allowed.join(', ') : 'itself'} (layers.json).`,
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'site/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // HTTP field syntax and log escaping match control characters on purpose (RFC 9110 §5.5).
      'no-control-regex': 'off',
    },
  },
  ...layerBlocks,
);
