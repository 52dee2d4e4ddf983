#!/usr/bin/env bash
# The whole test suite (`npm test`): vitest over test/**, then one plain summary line
# "N passed, N failed" taken from vitest's JSON report, for CI log readers that do not know vitest.
set -uo pipefail
cd "$(dirname "$0")/.."
report=.vitest-report.json
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
if [ -f "$report" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    // An unhandled error fails the run even when every test passed: count it as one failure.
    const errors = r.success === false && r.numFailedTests === 0 ? 1 : 0;
    const failed = r.numFailedTests + errors;
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`${r.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$report"
else
  echo "0 passed, 1 failed"
  [ "$status" -eq 0 ] && status=1
fi
exit "$status"
