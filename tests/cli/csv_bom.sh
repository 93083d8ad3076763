#!/usr/bin/env bash
# CSV files saved as "CSV UTF-8" by spreadsheet programs start with a
# byte-order mark: `run` finds the target column of such a file, and
# `predict --model` matches its feature headers and scores its target.
source "$(dirname "$0")/../support/cli_lib.sh"
DATA="$N4A_SOURCE_DIR/data/gasoline.csv"
BOM=$'\xEF\xBB\xBF'
{ printf '%s' "$BOM"; cat "$DATA"; } > "$TMP/bom.csv"
{ printf '%s' "$BOM"; head -1 "$DATA"; sed -n 52,61p "$DATA"; } > "$TMP/new.csv"
cat > "$TMP/config.json" <<JSON
{"dataset": {"path": "$TMP/bom.csv", "target": "octane", "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"op": "SNV"}, {"model": "PLSRegression", "n_components": 5}]}
JSON
expect_exit 0 "$N4A" run "$TMP/config.json" -w "$TMP/ws" -q
grep -q "SNV > PLS(5)" "$TMP/out.txt" || fail "run: $(cat "$TMP/out.txt")"
# The mark is no content: same dataset hash as the file without it.
sed "s|$TMP/bom.csv|$DATA|" "$TMP/config.json" > "$TMP/plain.json"
expect_exit 0 "$N4A" run "$TMP/plain.json" -w "$TMP/ws" -q
[ "$(sql "SELECT count(DISTINCT dataset_hash) FROM pipelines")" = 1 ] || fail "hashes differ"

chain=$(sql "SELECT chain_id FROM chains LIMIT 1")
expect_exit 0 "$N4A" -w "$TMP/ws" export chain "$chain" "$TMP/model.n4a"
expect_exit 0 "$N4A" predict --model "$TMP/model.n4a" "$TMP/new.csv" --format csv
[ "$(tail -n +2 "$TMP/out.txt" | wc -l)" = 10 ] || fail "predict: $(cat "$TMP/out.txt")"
# The target column was found (not taken for a feature) and scored.
grep -q "metrics (10 samples.* rmse " "$TMP/err.txt" || fail "predict: $(cat "$TMP/err.txt")"
echo "ok"
