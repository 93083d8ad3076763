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
