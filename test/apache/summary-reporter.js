// Jest reporter of the differential run: ends the output with `K known differences` and `N passed, M failed`.
// Counts cases (tests): a passing case listed in known-differences.json is a known difference, not a pass.

const { readFileSync } = require('node:fs');
const { join } = require('node:path');

class ApacheSummaryReporter {
  onRunComplete(_contexts, results) {
    const known = readKnown();
    let passed = 0;
    let failed = 0;
    let knownDifferences = 0;
    for (const suite of results.testResults) {
      // A suite that could not run (a syntax error, a throw at load time) fails the run even with no cases.
      if (suite.testExecError) failed++;
      for (const test of suite.testResults) {
        if (test.status === 'failed') failed++;
        else if (test.status === 'passed' && known.has(test.title)) knownDifferences++;
        else if (test.status === 'passed') passed++;
      }
    }
    const knownLine = knownDifferences > 0 ? `\n${knownDifferences} known differences` : '';
    // Jest's own summary is written after the custom reporters run; 'exit' comes after it (writes are synchronous).
    process.once('exit', () => process.stdout.write(`${knownLine}\n${passed} passed, ${failed} failed\n`));
  }
}

function readKnown() {
  try {
    return new Set(Object.keys(JSON.parse(readFileSync(join(__dirname, 'known-differences.json'), 'utf8'))));
  } catch {
    return new Set();
  }
}

module.exports = ApacheSummaryReporter;
