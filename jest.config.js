/** Jest runs the TypeScript sources directly; type checking is `tsc --noEmit` in `npm test`. */
const { availableParallelism } = require('node:os');
const { transform, transformIgnorePatterns } = require('./test/support/jest-transforms.js');

module.exports = {
  testEnvironment: 'node',
  // Jest's default (one worker per core but one) runs everything in one process on a 2-core machine. Most files
  // spend their time waiting on child processes, sockets and timers, so two workers there halve the wall time.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  setupFiles: [require.resolve('./test/support/state-home.js')],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Sources are TypeScript: resolve .ts before .js, so a stray compiled file can never stand in for its source.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  transformIgnorePatterns,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
