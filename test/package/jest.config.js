/**
 * Jest config of the package suite (`npm run test:package`, after a build): the tarball `npm pack` makes, its
 * contents, and that tarball installed into scratch ESM and CommonJS projects; `npm test` never runs it.
 */
const { transform, transformIgnorePatterns } = require('../support/jest-transforms.js');

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  setupFiles: [require.resolve('../support/state-home.js')],
  roots: ['<rootDir>/test/package'],
  testMatch: ['<rootDir>/test/package/*.package.ts'],
  // TypeScript first: a stray compiled .js beside a source must never stand in for it.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  transformIgnorePatterns,
  // Installs from the registry (or npm's cache) take tens of seconds.
  testTimeout: 300000,
  verbose: true,
};
