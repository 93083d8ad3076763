#!/usr/bin/env bash
# n4a run on the gasoline example: the leaderboard is sane (best test RMSE
# below 0.3 octane) and everything a run records is in the workspace.
source "$(dirname "$0")/../support/cli_lib.sh"

cd "$N4A_SOURCE_DIR"
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" --format json > "$TMP/run.json" ||
  fail "n4a run exited $?"
field() { python3 -c "import json,sys; d=json.load(open('$TMP/run.json')); print($1)"; }

[ "$(field "d['status']")" = completed ] || fail "run status is $(field "d['status']")"
[ "$(field "d['completed']")" = 135 ] || fail "expected 135 completed pipelines, got $(field "d['completed']")"
[ "$(field "d['failed']")" = 0 ] || fail "unexpected failures: $(field "d['failures']")"
best_test=$(field "d['leaderboard'][0]['test_score']")
python3 -c "import sys; sys.exit(0 if $best_test < 0.3 else 1)" ||
  fail "best pipeline's test RMSE is $best_test, expected < 0.3"
field "d['leaderboard'][0]['cv_score'] <= d['leaderboard'][-1]['cv_score']" | grep -q True ||
  fail "leaderboard not sorted by CV score"
run_id=$(field "d['run_id']")

# The catalog: one run, 135 pipelines and chains, 12 predictions each
# (5 folds x train/val, refit train/test), step logs, artifacts.
[ "$(sql "SELECT status FROM runs WHERE run_id = '$run_id'")" = completed ] || fail "run not completed"
[ "$(sql "SELECT count(*) FROM pipelines WHERE status = 'completed'")" = 135 ] || fail "pipelines"
[ "$(sql "SELECT count(*) FROM chains WHERE cv_fold_count = 5 AND cv_val_score IS NOT NULL
          AND cv_oof_score IS NOT NULL AND cv_test_score IS NOT NULL")" = 135 ] || fail "chain summaries"
[ "$(sql "SELECT count(*) FROM predictions")" = 1620 ] || fail "expected 1620 predictions"
[ "$(sql "SELECT count(*) FROM predictions WHERE partition = 'test' AND fold_id = 'fold_final'
          AND test_score IS NOT NULL AND json_extract(scores, '$.r2') IS NOT NULL")" = 135 ] ||
  fail "test predictions of the refit models"
[ "$(sql "SELECT count(*) FROM chains WHERE json_extract_string(fold_artifacts, '$.fold_final')
          IS NOT NULL AND json_extract_string(fold_artifacts, '$.fold_4') IS NOT NULL")" = 135 ] ||
  fail "fold_artifacts incomplete"
# One model artifact per (preprocessing, fold): the 15 PLS models of a
# preprocessing derive from its PLS(15) fit, whose artifact their chains
# share and mark `derived` (docs/formats/chain.md).
[ "$(sql "SELECT count(*) FROM artifacts WHERE artifact_type = 'model'")" = 54 ] || fail "model artifacts"
[ "$(sql "SELECT count(*) FROM chains WHERE json_extract(steps, '\$[#-1].derived')")" = 126 ] ||
  fail "derived chains"
[ "$(sql "SELECT count(*) FROM logs")" -ge 270 ] || fail "step logs"
# The chain's generator choices and names are those of the config.
[ "$(sql "SELECT count(*) FROM pipelines WHERE name = 'SNV > SG(11,2,1) > PLS(8)'
          AND json_extract(generator_choices, '$.\"pipeline[2].n_components\"')::INT = 8")" = 1 ] ||
  fail "pipeline name / generator_choices"

# The table output and n4a chains agree on the best chain.
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" --no-record -q > "$TMP/table.txt"
grep -q "rank  pipeline" "$TMP/table.txt" || fail "no leaderboard table: $(cat "$TMP/table.txt")"
best_chain=$(field "d['leaderboard'][0]['chain_id']")
"$N4A" -w "$TMP/ws" chains --run "$run_id" --top 1 --format csv | grep -q "$best_chain" ||
  fail "n4a chains does not rank $best_chain first"
# n4a top: a compact table for people, every column with --wide and in csv.
"$N4A" -w "$TMP/ws" top -n 3 > "$TMP/top.txt"
[ "$(grep -cE 'fold_([0-9]|final) ' "$TMP/top.txt")" = 3 ] || fail "top -n 3: $(cat "$TMP/top.txt")"
head -1 "$TMP/top.txt" | grep -q 'pipeline_name' || fail "top table lacks pipeline_name"
! head -1 "$TMP/top.txt" | grep -q 'prediction_id' || fail "top table is not compact"
"$N4A" -w "$TMP/ws" top -n 3 --wide | head -1 | grep -q 'prediction_id' || fail "top --wide"
"$N4A" -w "$TMP/ws" top -n 3 --format csv | head -1 | grep -q 'prediction_id' || fail "top csv"
echo "ok: best test RMSE $best_test"
