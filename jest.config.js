/** Jest runs the TypeScript sources directly; type checking is `tsc --noEmit` in `npm test`. */
module.exports = {
  testEnvironment: 'node',
  setupFiles: [require.resolve('./test/support/state-home.js')],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Sources are TypeScript: resolve .ts before .js, so a stray compiled file can never stand in for its source.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
