/** Jest config of the runs under real load (`npm run test:offload`); `npm test` never runs it. */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  setupFiles: [require.resolve('../support/state-home.js')],
  roots: ['<rootDir>/test/offload'],
  testMatch: ['<rootDir>/test/offload/*.offload.ts'],
  // TypeScript first: a stray compiled .js beside a source must never stand in for it.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  // One file at a time: each drives an origin into overload, and two at once would overload each other's.
  maxWorkers: 1,
  // A test runs wrk for a few seconds per load level, with nginx or Varnish starting first.
  testTimeout: 45000,
  verbose: true,
};
