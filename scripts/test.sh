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
    // A test file that fails outside its tests (a beforeAll, an import) counts as one failure; an
    // unhandled error that fails the run when nothing else did counts as one too.
    const fileErrors = r.testResults.filter((t) => t.status === "failed" && !t.assertionResults.some((a) => a.status === "failed")).length;
    let failed = r.numFailedTests + fileErrors;
    // vitest exiting non-zero with every test passed (an unhandled error: the JSON report may still say
    // success) is one failure too.
    if ((r.success === false || process.argv[2] !== "0") && failed === 0) failed = 1;
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`${r.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$report" "$status"
else
  echo "0 passed, 1 failed"
  [ "$status" -eq 0 ] && status=1
fi
exit "$status"
