/**
 * Jest config of the container suite (`npm run test:container`, root and buildah needed; .ci/run installs buildah
 * and debootstrap): the repository's Dockerfile built by buildah and the image run. `npm test` never runs it.
 */
const { transform, transformIgnorePatterns } = require('../support/jest-transforms.js');

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  setupFiles: [require.resolve('../support/state-home.js')],
  roots: ['<rootDir>/test/container'],
  testMatch: ['<rootDir>/test/container/*.container.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  transformIgnorePatterns,
  // The base image is made once (debootstrap, a minute or two); each build runs npm ci inside it.
  testTimeout: 600000,
  verbose: true,
};
