/** Jest config of the real-browser runs (`npm run test:browser`): nginx with TLS, headless Chromium; `npm test` never runs it. */
const { transform, transformIgnorePatterns } = require('../support/jest-transforms.js');

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  setupFiles: [require.resolve('../support/state-home.js')],
  roots: ['<rootDir>/test/browser'],
  testMatch: ['<rootDir>/test/browser/*.browser.ts'],
  // TypeScript first: a stray compiled .js beside a source must never stand in for it.
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The sources and the ESM-only parse5 modules `check --asset-hosts` reads pages with (as `npm test` compiles them).
  transform,
  transformIgnorePatterns,
  // One file at a time: each starts its own nginx, serve and Chromium, and counts connections nginx accepted.
  maxWorkers: 1,
  // A scenario starts nginx and Chromium and loads a page of 60 images: a few seconds.
  testTimeout: 60000,
  verbose: true,
};
