const { writeSync } = require('node:fs');

/**
 * Ends a jest run with one plain line, "tests: N passed, N failed, N skipped", after
 * jest's own summary (written at process exit, so it is the last line), so any CI can
 * count the tests.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.once('exit', () => writeSync(1, `tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`));
  }
}
module.exports = SummaryReporter;
