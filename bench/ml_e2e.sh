#!/usr/bin/env bash
# The ml figures of issue 4 in one run, with their baselines measured in the
# same run on this machine (bench/run.sh calls this with the build dir):
#   1. PLSRegression fit, 5,000 x 1,000, 20 components, one thread: n4a vs
#      scikit-learn (Debian /usr/bin/python3, BLAS limited to one thread),
#      and the largest prediction difference between the two;
#   2. SNV + SavitzkyGolay(11, 2, 1) + PLS predict on 100,000 x 1,000: GB/s
#      and ratio to copying the matrix once;
#   3. serialize / deserialize of a fitted PLS(20) on 1,000 features;
#   4. the family PLS(1..20) cut from one PLS(20) fit on 60 x 401 (a wide
#      sweep's work per prefix and fold), against computing the members'
#      rotations as scikit-learn does, through an SVD pseudo-inverse each.
# Writes bench/results/ml_summary.json and prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BENCH="$BUILD/bench/n4a_ml_bench"
OUT=bench/results
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

"$BENCH" --export_pls="$TMP"
"$BENCH" --benchmark_filter='Copy|SnvSgPls|Serialize|Deserialize|PlsFamily' \
  --benchmark_out="$TMP/cpp.json" --benchmark_out_format=json >/dev/null
/usr/bin/python3 bench/ml_baseline.py "$TMP" "$OUT/ml_summary.json"
