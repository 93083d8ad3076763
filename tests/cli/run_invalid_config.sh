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
