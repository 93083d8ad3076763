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
