/**
 * Jest config of the hostile-traffic suite (`npm run test:hostile`): real `cdn-include serve` processes on
 * 127.0.0.1 under floods, catastrophic regexes, symlink races, huge and special files; `npm test` never runs it.
 * Every scenario is bounded in requests and time, and prints its figures.
 */
const { transform, transformIgnorePatterns } = require('../support/jest-transforms.js');

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  setupFiles: [require.resolve('../support/state-home.js')],
  roots: ['<rootDir>/test/hostile'],
  testMatch: ['<rootDir>/test/hostile/*.hostile.ts'],
  // TypeScript first: a stray compiled .js beside a source must never stand in for it.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  transformIgnorePatterns,
  // Scenarios measure a server process under load: one at a time, so they do not measure each other.
  maxWorkers: 1,
  testTimeout: 180000,
  verbose: true,
};
