#!/usr/bin/env bash
# Invalid configs: one error naming the JSON path, exit 2, nothing recorded.
source "$(dirname "$0")/../support/cli_lib.sh"
DATA="$N4A_SOURCE_DIR/data/gasoline.csv"
"$N4A" workspace init "$TMP/ws" > /dev/null

expect_invalid() {  # name, expected message start, pipeline JSON, dataset JSON
  printf '{"dataset": %s, "pipeline": %s}' "$4" "$3" > "$TMP/$1.json"
  status=0
  "$N4A" run "$TMP/$1.json" -w "$TMP/ws" > "$TMP/out" 2> "$TMP/err" || status=$?
  [ "$status" = 2 ] || fail "$1: exit $status, expected 2 ($(cat "$TMP/err"))"
  grep -qF "n4a: error: $2" "$TMP/err" || fail "$1: expected '$2' in: $(cat "$TMP/err")"
  [ ! -s "$TMP/out" ] || fail "$1: printed a result: $(cat "$TMP/out")"
}
ok_data="{\"path\": \"$DATA\", \"target\": \"octane\"}"
expect_invalid bad_param 'pipeline[2].n_components: must be an integer, got "abc"' \
  '[{"op": "SNV"}, {"op": "SNV"}, {"model": "PLSRegression", "n_components": {"_or_": [2, "abc"]}}]' "$ok_data"
expect_invalid unknown_op 'pipeline[0].op: unknown operator' \
  '[{"op": "SNVV"}, {"model": "PLSRegression"}]' "$ok_data"
expect_invalid bad_value 'pipeline[0].deriv: ' \
  '[{"op": "SavitzkyGolay", "deriv": -1}, {"model": "PLSRegression"}]' "$ok_data"
expect_invalid no_model 'pipeline: the last step must be a model' '[{"op": "SNV"}]' "$ok_data"
expect_invalid bad_range 'pipeline[1].n_components._range_: ' \
  '[{"op": "SNV"}, {"model": "PLSRegression", "n_components": {"_range_": [1]}}]' "$ok_data"
expect_invalid missing_file 'dataset.path: file not found' \
  '[{"model": "PLSRegression"}]' '{"path": "no/such.csv", "target": "octane"}'
expect_invalid missing_target "dataset.target: " \
  '[{"model": "PLSRegression"}]' "{\"path\": \"$DATA\", \"target\": \"octan\"}"
expect_invalid bad_rows 'dataset.test.rows: ' \
  '[{"model": "PLSRegression"}]' "{\"path\": \"$DATA\", \"target\": \"octane\", \"test\": {\"rows\": \"51-99\"}}"
# What the data rules out (401 features, 60 rows), before any work.
expect_invalid too_many_components 'pipeline[1].n_components: must be at most the number of features (401), got 500' \
  '[{"op": "SNV"}, {"model": "PLSRegression", "n_components": 500}]' "$ok_data"
expect_invalid long_window 'pipeline[0].window_length: must be at most the number of features (401), got 1001' \
  '[{"op": "SavitzkyGolay", "window_length": 1001}, {"model": "PLSRegression"}]' "$ok_data"
expect_invalid empty_crop 'pipeline[0]: Crop: no feature has a wavelength in [100, 200]' \
  '[{"op": "Crop", "start": 100, "end": 200}, {"model": "PLSRegression"}]' "$ok_data"
expect_invalid cropped_components 'pipeline[1].n_components: must be at most the number of features (51), got 60' \
  '[{"op": "Crop", "start": 900, "end": 1000}, {"model": "PLSRegression", "n_components": 60}]' "$ok_data"
printf '{"dataset": %s, "pipeline": [{"model": "PLSRegression"}], "metric": "accuracy"}' "$ok_data" \
  > "$TMP/accuracy.json"
expect_exit 2 "$N4A" run "$TMP/accuracy.json" -w "$TMP/ws"
grep -qF 'n4a: error: metric: "accuracy" is a classification metric, but the model PLSRegression' \
  "$TMP/err.txt" || fail "accuracy on a regression model: $(cat "$TMP/err.txt")"

echo '{"dataset": {"path": "x"}, ' > "$TMP/broken.json"
status=0
"$N4A" run "$TMP/broken.json" -w "$TMP/ws" 2> "$TMP/err" > /dev/null || status=$?
[ "$status" = 2 ] || fail "malformed JSON: exit $status"

runs=$("$N4A" -w "$TMP/ws" sql "SELECT count(*) FROM runs" --format csv | tail -1)
[ "$runs" = 0 ] || fail "an invalid config recorded $runs runs"
# --no-record on a missing workspace creates nothing either.
"$N4A" run "$TMP/bad_param.json" -w "$TMP/none" --no-record 2> /dev/null && fail "should fail"
[ ! -e "$TMP/none" ] || fail "a workspace was created"
echo "ok"
