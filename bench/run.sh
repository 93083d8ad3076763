#!/usr/bin/env bash
# make bench: runs every benchmark with the baselines it is compared to, in one
# run on this machine, and writes the figures to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OUT=bench/results
mkdir -p "$OUT"
for exe in "$BUILD"/bench/n4a_*_bench; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe")
  echo "== $name"
  "$exe" --benchmark_out="$OUT/$name.json" --benchmark_out_format=json
done
for script in bench/*_e2e.sh; do
  [ -f "$script" ] || continue
  echo "== $(basename "$script")"
  bash "$script" "$BUILD"
done
# Ten minutes of writers, kills, outside readers and cleanups on one workspace
# (SOAK_SECONDS to change it): nothing lost, nothing duplicated.
echo "== soak.sh"
bash bench/soak.sh "$BUILD"
