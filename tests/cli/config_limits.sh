#!/usr/bin/env bash
# Configs the parser used to take wrongly: a key twice in one object (the last
# one silently won) is exit 2 naming its JSON path, with nothing recorded.
source "$(dirname "$0")/../support/cli_lib.sh"
DATA="$N4A_SOURCE_DIR/data/gasoline.csv"
"$N4A" workspace init "$TMP/ws" > /dev/null
runs() { "$N4A" -w "$TMP/ws" sql "SELECT count(*) FROM runs" --format csv | tail -1; }

# A duplicate key, deep in the pipeline: named by its path.
cat > "$TMP/dup.json" <<JSON
{"dataset": {"path": "$DATA", "target": "octane"},
 "pipeline": [{"op": "SNV"},
              {"op": "SavitzkyGolay", "window_length": 11, "polyorder": 2, "window_length": 15},
              {"model": "PLSRegression"}]}
JSON
expect_exit 2 "$N4A" run "$TMP/dup.json" -w "$TMP/ws"
grep -qF "n4a: error: $TMP/dup.json: pipeline[1].window_length: duplicate key" "$TMP/err.txt" ||
  fail "duplicate key: $(cat "$TMP/err.txt")"
# ... at the top level too, and the same for a template saved from a file.
printf '{"dataset": {"path": "%s", "target": "octane"}, "pipeline": [{"model": "Ridge"}],
  "metric": "rmse", "metric": "r2"}' "$DATA" > "$TMP/dup_top.json"
expect_exit 2 "$N4A" run "$TMP/dup_top.json" -w "$TMP/ws"
grep -qF ": metric: duplicate key" "$TMP/err.txt" || fail "top-level duplicate: $(cat "$TMP/err.txt")"
expect_exit 2 "$N4A" -w "$TMP/ws" template save --file "$TMP/dup.json" --name dup
grep -qF "pipeline[1].window_length: duplicate key" "$TMP/err.txt" ||
  fail "template save: $(cat "$TMP/err.txt")"
[ ! -e "$TMP/ws/library/general/dup" ] || fail "a template with a duplicate key was saved"

[ "$(runs)" = 0 ] || fail "a refused config recorded a run"
echo "ok"
