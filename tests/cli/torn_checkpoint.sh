#!/usr/bin/env bash
# A kill in the middle of DuckDB's in-place rewrite of its metadata block
# (docs/formats/catalog.md "A kill inside DuckDB's checkpoint"), made exact by
# an LD_PRELOAD shim that tears the write of block 0 (offset 12288) after its
# first page and kills the process. Without its undo file, that catalog does
# not open. With it, the next command repairs it: the earlier run is there,
# the interrupted one is not, and the workspace passes check.
source "$(dirname "$0")/../support/cli_lib.sh"
: "${N4A_TEAR_WRITE:?set N4A_TEAR_WRITE to the tear_write shim}"
cd "$N4A_SOURCE_DIR"
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" -q --name before > /dev/null
set +e
# (Under AddressSanitizer the shim comes before its runtime, which it allows with this.)
ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
  LD_PRELOAD="$N4A_TEAR_WRITE" N4A_TEAR_OFFSET=12288 \
  "$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" -q --name torn > /dev/null 2>&1
code=$?
set -e
[ "$code" = 137 ] || fail "the torn run exited $code, want 137 (killed)"
[ -f "$TMP/ws/store.duckdb.undo" ] || fail "no undo file was left by the killed commit"

# The same state without the undo file: DuckDB refuses the catalog.
cp -a "$TMP/ws" "$TMP/no_undo"
rm "$TMP/no_undo/store.duckdb.undo"
expect_exit 4 "$N4A" -w "$TMP/no_undo" runs
grep -q "is damaged" "$TMP/err.txt" || fail "expected a damaged catalog, got: $(cat "$TMP/err.txt")"

expect_exit 0 "$N4A" -w "$TMP/ws" workspace check
[ ! -e "$TMP/ws/store.duckdb.undo" ] || fail "the undo file is still there after recovery"
[ "$(sql "SELECT string_agg(name, ',') FROM runs")" = before ] ||
  fail "runs after recovery: $(sql "SELECT string_agg(name, ',') FROM runs")"
# And the workspace takes new commits.
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" -q --name after > /dev/null
[ "$(sql "SELECT string_agg(name, '+' ORDER BY name) FROM runs")" = after+before ] ||
  fail "runs at the end: $(sql "SELECT string_agg(name, '+' ORDER BY name) FROM runs")"
