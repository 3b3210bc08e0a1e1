const { appendFileSync, writeSync } = require('node:fs');

/**
 * Ends a jest run with one plain line, "tests: N passed, N failed, N skipped", after
 * jest's own summary (written at process exit, so it is the last line), so any CI can
 * count the tests. With TEST_SUMMARY_FILE set, the counts are also appended there, for
 * scripts/test.sh to add up its runs.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    if (process.env.TEST_SUMMARY_FILE)
      appendFileSync(process.env.TEST_SUMMARY_FILE, JSON.stringify({ passed, failed, skipped }) + '\n');
    process.once('exit', () => writeSync(1, `tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`));
  }
}
module.exports = SummaryReporter;
