#!/usr/bin/env bash
# A variant that fails (PCA with more components than samples) is recorded as
# a failed pipeline with its error; the others complete.
source "$(dirname "$0")/../support/cli_lib.sh"
cat > "$TMP/config.json" <<JSON
{"name": "with_failure",
 "dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane", "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"_or_": [null, {"op": "PCA", "n_components": 100}]},
              {"model": "PLSRegression", "n_components": {"_or_": [2, 4]}}]}
JSON
status=0
"$N4A" run "$TMP/config.json" -w "$TMP/ws" > "$TMP/out.txt" 2>&1 || status=$?
[ "$status" = 0 ] || fail "exit $status: $(cat "$TMP/out.txt")"
grep -q "Failures (2)" "$TMP/out.txt" || fail "no failure summary: $(cat "$TMP/out.txt")"
grep -q "PCA(100) > PLS(2): .*n_components" "$TMP/out.txt" || fail "failure not explained"
[ "$(sql "SELECT count(*) FROM pipelines WHERE status = 'completed'")" = 2 ] || fail "completed"
[ "$(sql "SELECT count(*) FROM pipelines WHERE status = 'failed' AND error LIKE '%n_components%'")" = 2 ] ||
  fail "failed pipelines not recorded with their error"
[ "$(sql "SELECT status FROM runs")" = completed ] || fail "run not completed"
echo "ok"
