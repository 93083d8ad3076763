#!/usr/bin/env bash
# make demo: what a new user sees first. Runs the gasoline example sweep
# (examples/gasoline_sweep.json: 3 scatter corrections x 3 Savitzky-Golay
# derivatives x PLS with 1-15 components = 135 pipelines, 5-fold CV, refit and
# test on samples 51-60) in a fresh workspace, then shows what was recorded.
set -euo pipefail
N4A=$(realpath "${1:-build/n4a}")
cd "$(dirname "$0")/.."
WORKSPACE=$(mktemp -d "${TMPDIR:-/tmp}/n4a-demo.XXXXXX")/workspace

bold() { if [ -t 1 ]; then printf '\n\033[1m%s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }
show() { printf '$ %s\n' "$*"; "$@"; }

bold "n4a demo: NIR spectra of 60 gasoline samples -> octane number"
echo "Config: examples/gasoline_sweep.json"
sed 's/^/  /' examples/gasoline_sweep.json

bold "1. Create a workspace"
show "$N4A" workspace init "$WORKSPACE"

bold "2. Run the sweep: every variant fitted, cross-validated, tested and recorded"
show "$N4A" run examples/gasoline_sweep.json --workspace "$WORKSPACE"

bold "3. The runs of this workspace"
show "$N4A" --workspace "$WORKSPACE" runs

bold "4. The best test predictions (refit models on samples 51-60)"
echo "(Ranked by test score to look at them; choose a model by its CV score, as the leaderboard does.)"
show "$N4A" --workspace "$WORKSPACE" top -n 5 --metric rmse --partition test

bold "5. Use the best chain (by CV score) on new spectra: the test samples 51-60"
BEST=$("$N4A" --workspace "$WORKSPACE" sql \
  "SELECT chain_id FROM chains ORDER BY cv_val_score, chain_id LIMIT 1" --format csv | tail -1)
TEST_CSV=$(dirname "$WORKSPACE")/gasoline_test.csv
(head -1 data/gasoline.csv; sed -n 52,61p data/gasoline.csv) > "$TEST_CSV"
echo "Best chain: $BEST; test spectra written to $TEST_CSV"
show "$N4A" --workspace "$WORKSPACE" export chain "$BEST" best.n4a
show "$N4A" --workspace "$WORKSPACE" export script "$BEST" best.n4a.py
echo "From the bundle alone (no workspace needed):"
show "$N4A" predict --model "$WORKSPACE/exports/best.n4a" "$TEST_CSV" --output "$TEST_CSV.pred.csv"
PYTHON=$(command -v /usr/bin/python3 || command -v python3)
echo "From the portable script (Python + NumPy only):"
printf '$ %s\n' "$PYTHON $WORKSPACE/exports/best.n4a.py $TEST_CSV | head -3"
"$PYTHON" "$WORKSPACE/exports/best.n4a.py" "$TEST_CSV" > "$TEST_CSV.script.txt"
head -3 "$TEST_CSV.script.txt"
"$PYTHON" - "$TEST_CSV" "$TEST_CSV.pred.csv" "$TEST_CSV.script.txt" <<'PY'
import csv, math, sys
truth = [float(r["octane"]) for r in csv.DictReader(open(sys.argv[1]))]
bundle = [float(r["prediction"]) for r in csv.DictReader(open(sys.argv[2]))]
script = [float(line) for line in open(sys.argv[3])]
rmse = lambda p: math.sqrt(sum((a - b) ** 2 for a, b in zip(p, truth)) / len(truth))
print("  test RMSE from the bundle: %.6f octane" % rmse(bundle))
print("  test RMSE from the script: %.6f octane" % rmse(script))
print("  largest difference bundle vs script: %.2e" % max(abs(a - b) for a, b in zip(bundle, script)))
PY

bold "Next"
cat <<TEXT
  The workspace stays at $WORKSPACE; try:
    $N4A -w $WORKSPACE chains --top 5
    $N4A predict --model $WORKSPACE/exports/best.n4a $TEST_CSV
    $N4A -w $WORKSPACE sql "SELECT name, best_val, best_test FROM pipelines ORDER BY best_val LIMIT 5"
  Write your own sweep: docs/pipeline-config.md.
TEXT
