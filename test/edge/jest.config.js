/** Jest config of the end-to-end runs through real nginx and Varnish (`npm run test:edge`); `npm test` never runs it. */
const { transform, transformIgnorePatterns } = require('../support/jest-transforms.js');

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  setupFiles: [require.resolve('../support/state-home.js')],
  roots: ['<rootDir>/test/edge'],
  testMatch: ['<rootDir>/test/edge/*.edge.ts'],
  // TypeScript first: a stray compiled .js beside a source must never stand in for it.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  transformIgnorePatterns,
  // Each scenario sleeps past a 1 s TTL a few times; the edges start in a few seconds.
  testTimeout: 60000,
  verbose: true,
};
