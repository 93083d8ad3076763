#!/usr/bin/env bash
# Configs the parser used to take wrongly: a key twice in one object (the last
# one silently won), generators nested 20,000 deep (a segfault), and
# `--jobs 100000` (std::system_error, abort). Each is exit 2 naming the JSON
# path or the option, with nothing recorded; a thread limit below --jobs only
# means fewer threads.
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

# A generator nested 20,000 deep.
/usr/bin/python3 - "$DATA" > "$TMP/deep.json" <<'PYTHON'
import json, sys
step = '{"model": "PLSRegression"}'
deep = '{"_or_": [' * 20000 + step + ']}' * 20000
print('{"dataset": {"path": %s, "target": "octane"}, "pipeline": [%s]}' % (json.dumps(sys.argv[1]), deep))
PYTHON
expect_exit 2 "$N4A" run "$TMP/deep.json" -w "$TMP/ws"
grep -qF "pipeline[0]._or_[0]._or_[0]" "$TMP/err.txt" && grep -qF "nested more than 64 levels deep" "$TMP/err.txt" ||
  fail "deep nesting: $(cat "$TMP/err.txt")"

# --jobs beyond any machine: a usage error, not an abort.
printf '{"dataset": {"path": "%s", "target": "octane"}, "cv": {"n_splits": 3},
  "pipeline": [{"model": "PLSRegression", "n_components": {"_range_": [1, 8]}}]}' "$DATA" > "$TMP/ok.json"
expect_exit 2 "$N4A" run "$TMP/ok.json" -w "$TMP/ws" -j 100000
grep -q -- "--jobs" "$TMP/err.txt" || fail "-j 100000: $(cat "$TMP/err.txt")"
[ "$(runs)" = 0 ] || fail "a refused config recorded a run"

# Room for a few thread stacks only: the sweep runs on the threads it gets.
expect_exit 0 bash -c "ulimit -v 1500000; exec \"$N4A\" run \"$TMP/ok.json\" --no-record -q -j 1024"
grep -q "PLS(8)" "$TMP/out.txt" || fail "-j 1024 under a memory limit: $(cat "$TMP/out.txt" "$TMP/err.txt")"
echo "ok"
