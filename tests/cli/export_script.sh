#!/usr/bin/env bash
# n4a export script: the portable Python file (NumPy only, /usr/bin/python3)
# predicts what n4a predict predicts, to 1e-9 relative, for chains using
# every built-in operator (refit model, fold average, classification), with
# sample ids when the data has them, and for models derived from a larger
# member of their family (PLS(3) from PLS(6), PLSDA(2) from PLSDA(3)).
source "$(dirname "$0")/../support/cli_lib.sh"
PY=/usr/bin/python3

# Data: gasoline with sample ids, its test rows, and a two-class version.
$PY - "$N4A_SOURCE_DIR/data/gasoline.csv" "$TMP" <<'PYTHON'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
d = sys.argv[2]
with open(d + "/ids.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["sample"] + rows[0])
    w.writerows([["s%d" % i] + r for i, r in enumerate(rows[1:], 1)])
with open(d + "/test_ids.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["sample"] + rows[0])
    w.writerows([["s%d" % i] + r for i, r in enumerate(rows[1:], 1)][50:])
with open(d + "/test.csv", "w", newline="") as f:
    csv.writer(f).writerows([rows[0]] + rows[51:])
with open(d + "/classes.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["grade"] + rows[0][1:])
    w.writerows([["1" if float(r[0]) > 87.5 else "0"] + r[1:] for r in rows[1:]])
PYTHON
cv='"cv": {"type": "kfold", "n_splits": 3, "shuffle": true, "seed": 5}'
cat > "$TMP/transforms.json" <<JSON
{"name": "ops", "dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane"}, $cv,
 "pipeline": [
   {"_or_": [{"op": "SNV"}, {"op": "MSC"}, {"op": "StandardScaler"}, {"op": "MinMaxScaler"},
             {"op": "Detrend", "order": 2}, {"op": "Derivative"}, {"op": "Crop", "start": 1000, "end": 1600}]},
   {"_or_": [{"op": "SavitzkyGolay", "window_length": 15, "polyorder": 3, "deriv": 1},
             {"op": "PCA", "n_components": 12}]},
   {"model": "PLSRegression", "n_components": 4}]}
JSON
cat > "$TMP/ridge.json" <<JSON
{"name": "ridge", "dataset": {"path": "$TMP/ids.csv", "target": "octane", "id_column": "sample"}, $cv,
 "refit": false, "pipeline": [{"op": "SNV"}, {"model": "Ridge", "alpha": 0.01}]}
JSON
cat > "$TMP/plsda.json" <<JSON
{"name": "plsda", "dataset": {"path": "$TMP/classes.csv", "target": "grade"}, $cv,
 "metric": "accuracy", "pipeline": [{"op": "SNV"}, {"model": "PLSDA", "n_components": {"_or_": [2, 3]}}]}
JSON
cat > "$TMP/family.json" <<JSON
{"name": "family", "dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane"}, $cv,
 "pipeline": [{"op": "MSC"}, {"model": "PLSRegression", "n_components": {"_or_": [3, 6]}}]}
JSON
for c in transforms ridge plsda family; do
  "$N4A" run "$TMP/$c.json" -w "$TMP/ws" -q > /dev/null || fail "n4a run $c exited $?"
done

# Compares n4a predict (csv) with the script's lines (prediction, or id,prediction).
compare() {  # predict.csv script.out with_ids
  $PY - "$@" <<'PYTHON'
import csv, sys
want = list(csv.DictReader(open(sys.argv[1])))
got = [l.split(",") for l in open(sys.argv[2]).read().splitlines()]
assert len(want) == len(got) and want, (len(want), len(got))
for w, g in zip(want, got):
    if sys.argv[3] == "1":
        assert g[0] == w["sample_id"], (g, w)
        g = g[1:]
    assert len(g) == 1, g
    a, b = float(w["prediction"]), float(g[0])
    assert abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300), (a, b)
PYTHON
}

n=0
for chain in $(sql "SELECT chain_id FROM chains ORDER BY created_at"); do
  data=$TMP/test.csv with_ids=0
  case "$(sql "SELECT model_class FROM chains WHERE chain_id = '$chain'")" in
    Ridge) data=$TMP/test_ids.csv with_ids=1 ;;
    PLSDA) data=$TMP/classes.csv ;;
  esac
  "$N4A" -w "$TMP/ws" export script "$chain" "$TMP/model.n4a.py" > /dev/null || fail "export script exited $?"
  $PY "$TMP/model.n4a.py" "$data" > "$TMP/script.out" || fail "the script failed for chain $chain"
  "$N4A" -w "$TMP/ws" predict --chain "$chain" "$data" --format csv > "$TMP/predict.csv" 2> /dev/null
  compare "$TMP/predict.csv" "$TMP/script.out" $with_ids ||
    fail "script and n4a predict differ for chain $chain ($(sql "SELECT preprocessings || ' ' || model_name FROM chains WHERE chain_id = '$chain'"))"
  n=$((n + 1))
done
[ $n = 19 ] || fail "expected 19 chains, compared $n"
[ "$(sql "SELECT count(*) FROM chains WHERE json_extract(steps, '\$[#-1].derived')")" = 2 ] ||
  fail "expected 2 derived chains"

# The script imports as a module, needs only NumPy, and checks its input.
$PY - "$TMP/model.n4a.py" <<'PYTHON' || fail "predict(X) from Python"
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("model", sys.argv[1])
model = importlib.util.module_from_spec(spec)
spec.loader.exec_module(model)
assert set(sys.modules) & {"sklearn", "scipy", "pandas"} == set()
assert model.predict(np.ones((2, 401))).shape == (2, 1)
try:
    model.predict(np.ones((2, 400)))
    sys.exit(1)
except ValueError:
    pass
PYTHON
echo "ok: $n scripts match n4a predict"
