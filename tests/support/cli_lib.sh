# Sourced by the black-box tests (tests/cli/*.sh): the binary and repo from
# ctest's environment, a scratch folder removed at exit, and small helpers.
set -euo pipefail
: "${N4A:?set N4A to the n4a binary}" "${N4A_SOURCE_DIR:?set N4A_SOURCE_DIR to the repo root}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: runs CMD (output in $TMP/out.txt, $TMP/err.txt)
# and checks its exit status.
expect_exit() {
  local want=$1; shift
  set +e; "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$TMP/out.txt" "$TMP/err.txt" >&2; fail "'$*' exited $got, want $want"; }
}

# sql QUERY: the rows of a query on the workspace $TMP/ws, as CSV without header.
sql() { "$N4A" -w "$TMP/ws" sql "$1" --format csv | tail -n +2; }

# synthetic_spectra N P FILE: N samples of P wavelengths (two Gaussian bands
# and a baseline) with target y, as CSV: a few seconds of PLS sweeping.
synthetic_spectra() {
  awk -v n="$1" -v p="$2" 'BEGIN {
    srand(7); printf "y"; for (j = 0; j < p; j++) printf ",%d", 1000 + 2 * j; printf "\n";
    for (i = 0; i < n; i++) {
      a = rand(); b = rand(); base = rand() * 0.2; printf "%.5f", 3 * a - 2 * b + 0.05 * rand();
      for (j = 0; j < p; j++) {
        v = base + a * exp(-((j - p / 3) / 20) ^ 2) + b * exp(-((j - 2 * p / 3) / 30) ^ 2);
        printf ",%.5f", v + 0.01 * rand() }
      printf "\n" } }' > "$3"
}

# sweep_config NAME CSV FILE: a 1008-variant sweep of CSV (made by
# synthetic_spectra, path relative to FILE's folder) as a run config.
sweep_config() {
  cat > "$3" <<JSON
{"name": "$1", "dataset": {"path": "$2", "target": "y", "test": {"fraction": 0.2, "seed": 3}},
 "cv": {"type": "kfold", "n_splits": 5},
 "pipeline": [{"_or_": [null, {"op": "SNV"}, {"op": "MSC"}]},
              {"op": "SavitzkyGolay", "window_length": {"_range_": [7, 31, 4]},
               "polyorder": {"_or_": [2, 3]}, "deriv": {"_or_": [0, 1]}},
              {"model": "PLSRegression", "n_components": {"_range_": [1, 12]}}]}
JSON
}

# small_config FILE [N]: a config of N (default 12) PLS variants, 3-fold CV
# and a test partition, on the shipped gasoline data: a run of a few seconds.
small_config() {
  cat > "$1" <<JSON
{"name": "small", "dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane",
  "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"op": "SNV"}, {"model": "PLSRegression", "n_components": {"_range_": [1, ${2:-12}]}}]}
JSON
}

# expect_usage NEEDLE CMD...: CMD exits 2 (bad usage) and says NEEDLE on stderr.
expect_usage() {
  local needle=$1; shift
  expect_exit 2 "$@"
  grep -qF -- "$needle" "$TMP/err.txt" || fail "'$*' did not say \"$needle\": $(cat "$TMP/err.txt")"
}
