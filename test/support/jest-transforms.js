// How jest loads code, shared by every jest config: TypeScript through ts-jest, and the ESM-only dependencies
// (parse5-sax-parser, parse5, entities) compiled to CommonJS, since jest's module system runs CommonJS only.
// Sources are compiled as CommonJS here so their `import()` of those dependencies becomes a `require` jest can follow;
// the build (tsconfig.build.json) keeps `import()`, which Node runs natively.

/** The dependencies published as ES modules only. */
const ESM_ONLY = ['parse5-sax-parser', 'parse5', 'entities'];
const ESM_PATTERN = `node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`;

module.exports = {
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { diagnostics: false, tsconfig: { module: 'commonjs', moduleResolution: 'node10' } },
    ],
    [ESM_PATTERN]: [
      'ts-jest',
      { diagnostics: false, tsconfig: { module: 'commonjs', moduleResolution: 'node10', allowJs: true } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
};
