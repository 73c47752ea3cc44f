// Every test's `serve` keeps its validator ledger under one temporary state home (inherited by the processes
// tests start), never in the home folder of the machine that runs the tests.
const { join } = require('node:path');
const { tmpdir } = require('node:os');

process.env.XDG_STATE_HOME ??= join(tmpdir(), 'cdn-include-test-state');
