#!/usr/bin/env bash
# The test command (README, .ci/run): set-up, type-check, lint, every test on SQLite, then
# the e2e suite again on a throwaway PostgreSQL, the console's component tests and its
# browser tests. Ends with one line counting every run.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
source scripts/runtime.sh
npm run -s typecheck || exit 1
npm run -s lint || exit 1

# The browser tests drive Debian's Chromium (no browser is downloaded) and need a CJK font,
# or Chinese renders as boxes.
if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  echo "test: installing chromium and fonts-noto-cjk"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null || exit 1
fi
# The console: its type-check, its generated API client against openapi.json.
npm --prefix web run -s typecheck || exit 1
npm --prefix web run -s api:check || exit 1

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
export TEST_SUMMARY_FILE="$summary"
status=0
echo "== all tests on SQLite"
npx jest --ci || status=1
echo "== e2e and cluster tests on PostgreSQL"
bash scripts/with-postgres.sh npx jest --ci test/e2e test/cluster || status=1
echo "== the console's component tests (vitest)"
node scripts/vitest-summary.js || status=1
echo "== the console in Chromium"
npx jest --ci -c jest.browser.config.js || status=1

node -e '
  const runs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
  const t = runs.reduce((a, r) => ({ p: a.p + r.passed, f: a.f + r.failed, s: a.s + r.skipped }), { p: 0, f: 0, s: 0 });
  console.log(`\nall runs: ${runs.length} runs`);
  console.log(`tests: ${t.p} passed, ${t.f} failed, ${t.s} skipped`);' "$summary"
exit $status
