/** Jest config of the differential run against Apache (`npm run test:apache`); `npm test` never runs it. */
const { transform, transformIgnorePatterns } = require('../support/jest-transforms.js');

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  setupFiles: [require.resolve('../support/state-home.js')],
  roots: ['<rootDir>/test/apache'],
  testMatch: ['<rootDir>/test/apache/*.apache.ts'],
  transform,
  transformIgnorePatterns,
  // The corpus is data served to both servers, never a module.
  modulePathIgnorePatterns: ['<rootDir>/test/apache/corpus/'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/apache/summary-reporter.js'],
};
