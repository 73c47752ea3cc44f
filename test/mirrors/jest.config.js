/** Jest config of the runs with real mirrors (`npm run test:mirrors`); `npm test` never runs it. */
const { transform, transformIgnorePatterns } = require('../support/jest-transforms.js');

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  setupFiles: [require.resolve('../support/state-home.js')],
  roots: ['<rootDir>/test/mirrors'],
  testMatch: ['<rootDir>/test/mirrors/*.mirrors.ts'],
  // TypeScript first: a stray compiled .js beside a source must never stand in for it.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  transformIgnorePatterns,
  // One file at a time: each starts its own mirrors and origin, and the time bounds (a mirror left out within one
  // interval) must not measure another file's 64 MiB downloads.
  maxWorkers: 1,
  // A step waits for the prober's next rounds (1 s apart) or for aria2c (60 s at most).
  testTimeout: 90000,
  verbose: true,
};
