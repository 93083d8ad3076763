#!/usr/bin/env bash
# n4a export config / run / predictions: the exported config of a pipeline
# runs again with n4a run and scores the same; the run export is YAML with the
# run, its pipelines and chains; predictions go to Parquet; bare names land in
# the workspace's exports/.
source "$(dirname "$0")/../support/cli_lib.sh"
PY=/usr/bin/python3

cd "$N4A_SOURCE_DIR"
cat > "$TMP/config.json" <<JSON
{"name": "sweep", "dataset": {"path": "data/gasoline.csv", "target": "octane", "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 3, "shuffle": true, "seed": 9},
 "pipeline": [{"_or_": [{"op": "SNV"}, null]}, {"model": "PLSRegression", "n_components": {"_or_": [3, 7]}}]}
JSON
"$N4A" run "$TMP/config.json" -w "$TMP/ws" -q --format json > "$TMP/run.json" || fail "n4a run exited $?"
run_id=$($PY -c "import json; print(json.load(open('$TMP/run.json'))['run_id'])")
pipeline=$(sql "SELECT pipeline_id FROM pipelines WHERE name = 'SNV > PLS(7)'")
best_val=$(sql "SELECT best_val FROM pipelines WHERE pipeline_id = '$pipeline'")

# export config: no generators left; runs again from another folder.
"$N4A" -w "$TMP/ws" export config "$pipeline" config.json | grep -q "wrote $TMP/ws/exports/config.json" ||
  fail "export config"
exported=$TMP/ws/exports/config.json
! grep -q '_or_' "$exported" || fail "generators left in $(cat "$exported")"
(cd "$TMP" && "$N4A" run "$exported" -w "$TMP/ws" -q --format json > "$TMP/rerun.json") ||
  fail "n4a run of the exported config exited $?"
$PY - "$TMP/rerun.json" "$best_val" <<'PYTHON' || fail "the re-run does not reproduce the pipeline"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "completed" and d["completed"] == 1, d
assert d["leaderboard"][0]["name"] == "SNV > PLS(7)"
assert abs(d["leaderboard"][0]["cv_score"] - float(sys.argv[2])) < 1e-12, (d["leaderboard"][0], sys.argv[2])
PYTHON

# export run: YAML with the run, its 4 pipelines and 4 chains.
"$N4A" -w "$TMP/ws" export run "$run_id" "$TMP/run.yaml" > /dev/null || fail "export run exited $?"
$PY - "$TMP/run.yaml" "$run_id" <<'PYTHON' || fail "run.yaml: $(head -20 "$TMP/run.yaml")"
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["n4a_run_export"] == 1
assert d["run"]["run_id"] == sys.argv[2] and d["run"]["status"] == "completed"
assert d["run"]["config"]["pipeline"][0]["_or_"][1] is None
assert len(d["pipelines"]) == 4 and len(d["chains"]) == 4
assert all(isinstance(p["best_val"], float) for p in d["pipelines"])
assert all(c["cv_test_score"] > 0 for c in d["chains"])
PYTHON

# export predictions: Parquet, filtered, with arrays on request.
"$N4A" -w "$TMP/ws" export predictions preds.parquet --partition test --with-arrays > "$TMP/out.txt"
grep -q "wrote 5 predictions to $TMP/ws/exports/preds.parquet" "$TMP/out.txt" || fail "$(cat "$TMP/out.txt")"
[ "$(sql "SELECT count(*) FROM read_parquet('$TMP/ws/exports/preds.parquet') WHERE len(y_pred) = 10")" = 5 ] ||
  fail "parquet content"
set +e
"$N4A" -w "$TMP/ws" export config nope x.json 2> /dev/null
[ $? = 1 ] || fail "unknown pipeline: expected exit 1"
"$N4A" -w "$TMP/ws" export run "$run_id" "$TMP/no/such/dir/run.yaml" 2> /dev/null
[ $? = 1 ] || fail "missing folder: expected exit 1"
set -e
echo "ok: config re-run, run.yaml, predictions.parquet"
