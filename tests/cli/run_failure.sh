#!/usr/bin/env bash
# A variant that fails while fitting is recorded as a failed pipeline with its
# error; the others complete. (SNV overflows on values near the largest
# double: its output is not finite, which no check before the fit can know.)
source "$(dirname "$0")/../support/cli_lib.sh"
{ echo "y,a,b,c,d"; for i in $(seq 1 12); do echo "$i,1e308,1e308,$i,$((i % 3))"; done; } > "$TMP/huge.csv"
cat > "$TMP/config.json" <<JSON
{"name": "with_failure",
 "dataset": {"path": "$TMP/huge.csv", "target": "y"},
 "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"_or_": [null, {"op": "SNV"}]},
              {"model": "PLSRegression", "n_components": {"_or_": [1, 2]}}]}
JSON
status=0
"$N4A" run "$TMP/config.json" -w "$TMP/ws" > "$TMP/out.txt" 2>&1 || status=$?
[ "$status" = 0 ] || fail "exit $status: $(cat "$TMP/out.txt")"
grep -q "Failures (2)" "$TMP/out.txt" || fail "no failure summary: $(cat "$TMP/out.txt")"
grep -q "SNV > PLS(1): .*infinite" "$TMP/out.txt" || fail "failure not explained"
[ "$(sql "SELECT count(*) FROM pipelines WHERE status = 'completed'")" = 2 ] || fail "completed"
[ "$(sql "SELECT count(*) FROM pipelines WHERE status = 'failed' AND error LIKE '%infinite%'")" = 2 ] ||
  fail "failed pipelines not recorded with their error"
[ "$(sql "SELECT status FROM runs")" = completed ] || fail "run not completed"
echo "ok"
