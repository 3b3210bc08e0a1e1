// Runs the console's component tests (vitest, in web/) and appends their counts to
// TEST_SUMMARY_FILE like the jest runs do, so the test command's last line counts them too.
const { spawnSync } = require('node:child_process');
const { appendFileSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const web = join(__dirname, '..', 'web');
const dir = mkdtempSync(join(tmpdir(), 'vitest-'));
const report = join(dir, 'report.json');
const run = spawnSync(
  join(web, 'node_modules', '.bin', 'vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  { cwd: web, stdio: 'inherit' },
);
let counts = { passed: 0, failed: 1, skipped: 0 };
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  counts = {
    passed: r.numPassedTests,
    failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0),
    skipped: r.numPendingTests + r.numTodoTests,
  };
} catch {
  // No report: the run itself failed, counted as one failure.
}
rmSync(dir, { recursive: true, force: true });
if (process.env.TEST_SUMMARY_FILE) appendFileSync(process.env.TEST_SUMMARY_FILE, JSON.stringify(counts) + '\n');
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(run.status === 0 && counts.failed === 0 ? 0 : 1);
