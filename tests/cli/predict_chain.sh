#!/usr/bin/env bash
# n4a predict --chain: predictions of a recorded chain on new spectra equal
# the run's recorded test predictions; features are checked by header; ids,
# --output, --fold and the error cases.
source "$(dirname "$0")/../support/cli_lib.sh"
PY=/usr/bin/python3

cat > "$TMP/config.json" <<JSON
{"name": "predict", "dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane",
 "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 3, "shuffle": true, "seed": 1},
 "pipeline": [{"op": "SNV"}, {"op": "SavitzkyGolay", "deriv": 1},
              {"model": "PLSRegression", "n_components": {"_or_": [4, 6]}}]}
JSON
"$N4A" run "$TMP/config.json" -w "$TMP/ws" -q > /dev/null || fail "n4a run exited $?"
chain=$(sql "SELECT chain_id FROM chains ORDER BY cv_val_score LIMIT 1")
recorded_test=$(sql "SELECT cv_test_score FROM chains WHERE chain_id = '$chain'")

# The test rows (file rows 51-60) with a sample-id column in front.
$PY - "$N4A_SOURCE_DIR/data/gasoline.csv" "$TMP" <<'PYTHON'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
with open(sys.argv[2] + "/test.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["sample"] + rows[0])
    for i, r in enumerate(rows[51:61]):
        w.writerow(["gas-%02d" % (51 + i)] + r)
with open(sys.argv[2] + "/shifted.csv", "w", newline="") as f:  # wavelengths renamed
    w = csv.writer(f)
    w.writerow([rows[0][0]] + [str(float(h) + 1) for h in rows[0][1:]])
    w.writerows(rows[51:61])
with open(sys.argv[2] + "/short.csv", "w", newline="") as f:  # 100 wavelengths dropped
    csv.writer(f).writerows([r[:302] for r in [rows[0]] + rows[51:61]])
PYTHON

# Predictions with ids and metrics; the RMSE is the run's recorded test score.
"$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/test.csv" --id-column sample \
  --output "$TMP/preds.csv" > "$TMP/out.txt" || fail "predict exited $?"
grep -q "wrote 10 predictions to $TMP/preds.csv (folds: fold_final)" "$TMP/out.txt" ||
  fail "predict summary: $(cat "$TMP/out.txt")"
[ "$(head -1 "$TMP/preds.csv")" = "sample_id,prediction,y_true" ] || fail "header: $(head -1 "$TMP/preds.csv")"
[ "$(sed -n 2p "$TMP/preds.csv" | cut -d, -f1)" = gas-51 ] || fail "ids: $(sed -n 2p "$TMP/preds.csv")"
rmse=$(sed -n 's/.*rmse \([0-9.e-]*\).*/\1/p' "$TMP/out.txt")
$PY - "$TMP/preds.csv" "$recorded_test" <<'PYTHON' || fail "RMSE of the written predictions differs from the recorded test score"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rmse = math.sqrt(sum((float(r["prediction"]) - float(r["y_true"])) ** 2 for r in rows) / len(rows))
sys.exit(0 if abs(rmse - float(sys.argv[2])) < 1e-9 else 1)
PYTHON
$PY -c "import sys; sys.exit(0 if abs($rmse - $recorded_test) < 1e-5 else 1)" ||
  fail "printed rmse $rmse, recorded $recorded_test"

# Without --output: a table by default, csv/json on request (metrics to stderr then).
"$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/test.csv" --id-column sample > "$TMP/table.txt"
grep -q "^gas-60 " "$TMP/table.txt" || fail "table: $(cat "$TMP/table.txt")"
grep -q "metrics (10 samples, folds: fold_final): .*rmse" "$TMP/table.txt" || fail "no metrics line"
"$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/test.csv" --id-column sample --format json 2> /dev/null > "$TMP/p.json"
$PY -c "import json; d = json.load(open('$TMP/p.json')); assert len(d) == 10 and 'prediction' in d[0]" ||
  fail "json output"

# The fold average differs from the refit model; an unknown fold is an error.
"$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/test.csv" --id-column sample --fold average --format csv \
  2> "$TMP/avg.err" > "$TMP/avg.csv" || fail "--fold average exited $?"
grep -q "folds: fold_0, fold_1, fold_2)" "$TMP/avg.err" || fail "average folds: $(cat "$TMP/avg.err")"
[ "$(cut -d, -f2 "$TMP/avg.csv" | sed -n 2p)" != "$(cut -d, -f2 "$TMP/preds.csv" | sed -n 2p)" ] ||
  fail "fold average equals fold_final"
set +e
"$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/test.csv" --id-column sample --fold fold_9 2> "$TMP/err.txt"
[ $? = 2 ] || fail "unknown fold: expected exit 2"
grep -q "no fold 'fold_9' (it has: fold_0, fold_1, fold_2, fold_final)" "$TMP/err.txt" || fail "$(cat "$TMP/err.txt")"

# Features that differ from the training data: a clear error naming both.
"$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/shifted.csv" 2> "$TMP/err.txt"
[ $? = 2 ] || fail "renamed wavelengths: expected exit 2"
grep -q "shifted.csv: the feature columns (401 columns, 901.0 .. 1701.0) do not match those the chain was trained on (401 columns, 900 .. 1700)" \
  "$TMP/err.txt" || fail "mismatch message: $(cat "$TMP/err.txt")"
"$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/short.csv" 2> "$TMP/err.txt"
[ $? = 2 ] || fail "missing wavelengths: expected exit 2"
grep -q "(301 columns, 900 .. 1500) do not match .* (401 columns, 900 .. 1700); missing: 1502" \
  "$TMP/err.txt" || fail "short message: $(cat "$TMP/err.txt")"
"$N4A" -w "$TMP/ws" predict --chain nope "$TMP/test.csv" --id-column sample 2> /dev/null
[ $? = 1 ] || fail "unknown chain: expected exit 1"
"$N4A" -w "$TMP/ws" predict "$TMP/test.csv" 2> /dev/null
[ $? = 2 ] || fail "no --chain/--model: expected exit 2"
set -e
echo "ok: chain $chain test RMSE $rmse"
