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

bold "Next"
cat <<TEXT
  The workspace stays at $WORKSPACE; try:
    $N4A -w $WORKSPACE chains --top 5
    $N4A -w $WORKSPACE sql "SELECT name, best_val, best_test FROM pipelines ORDER BY best_val LIMIT 5"
  Write your own sweep: docs/pipeline-config.md.
TEXT
