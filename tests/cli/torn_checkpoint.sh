#!/usr/bin/env bash
# A kill in the middle of DuckDB's in-place rewrite of its metadata block
# (docs/formats/catalog.md "A kill inside DuckDB's checkpoint"), made exact by
# an LD_PRELOAD shim that tears the write of block 0 (offset 12288) after its
# first page and kills the process. Without its undo file, that catalog does
# not open. With it, the next command repairs it: the earlier run is there,
# the interrupted one is not, and the workspace passes check. Then the same
# for a merge that reads such a workspace, and a kill while a new
# workspace's catalog is being created.
source "$(dirname "$0")/../support/cli_lib.sh"
: "${N4A_TEAR_WRITE:?set N4A_TEAR_WRITE to the tear_write shim}"
cd "$N4A_SOURCE_DIR"
# killed_run SHIM_SETTING WORKSPACE: `n4a run` of the example into WORKSPACE
# under the shim (SHIM_SETTING: N4A_TEAR_OFFSET=... or
# N4A_KILL_BEFORE_OFFSET=...), which must kill it.
killed_run() {
  set +e
  # (Under AddressSanitizer the shim comes before its runtime, which it allows with this.)
  env ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD="$N4A_TEAR_WRITE" "$1" \
    "$N4A" run examples/gasoline_sweep.json -w "$2" -q --name torn > /dev/null 2>&1
  local code=$?
  set -e
  [ "$code" = 137 ] || fail "the run under $1 exited $code, want 137 (killed)"
}

"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" -q --name before > /dev/null
killed_run N4A_TEAR_OFFSET=12288 "$TMP/ws"
[ -f "$TMP/ws/store.duckdb.undo" ] || fail "no undo file was left by the killed commit"

# The same state without the undo file: DuckDB refuses the catalog.
cp -a "$TMP/ws" "$TMP/no_undo"
rm "$TMP/no_undo/store.duckdb.undo"
expect_exit 4 "$N4A" -w "$TMP/no_undo" runs
grep -q "is damaged" "$TMP/err.txt" || fail "expected a damaged catalog, got: $(cat "$TMP/err.txt")"

# A merge reads the torn workspace as its source: the source is repaired
# first, and only its earlier run comes over.
cp -a "$TMP/ws" "$TMP/torn_source"
"$N4A" run examples/gasoline_sweep.json -w "$TMP/target" -q --name target > /dev/null
expect_exit 0 "$N4A" -w "$TMP/target" workspace merge --source "$TMP/torn_source"
[ ! -e "$TMP/torn_source/store.duckdb.undo" ] || fail "the merge left the source's undo file"
[ "$("$N4A" -w "$TMP/target" sql "SELECT string_agg(name, '+' ORDER BY name) FROM runs" \
  --format csv | tail -n +2)" = before+target ] || fail "runs merged from the torn source"

# The torn workspace itself: the next command repairs it.
expect_exit 0 "$N4A" -w "$TMP/ws" workspace check
[ ! -e "$TMP/ws/store.duckdb.undo" ] || fail "the undo file is still there after recovery"
[ "$(sql "SELECT string_agg(name, ',') FROM runs")" = before ] ||
  fail "runs after recovery: $(sql "SELECT string_agg(name, ',') FROM runs")"
# And the workspace takes new commits.
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" -q --name after > /dev/null
[ "$(sql "SELECT string_agg(name, '+' ORDER BY name) FROM runs")" = after+before ] ||
  fail "runs at the end: $(sql "SELECT string_agg(name, '+' ORDER BY name) FROM runs")"

# A kill while DuckDB writes the headers of a new catalog (here: after the
# first of its three 4 KB headers), which no undo file covers: the catalog is
# made under a temporary name, so the workspace has no store.duckdb that
# does not open; the next run creates it afresh and removes the leftover.
killed_run N4A_KILL_BEFORE_OFFSET=4096 "$TMP/new"
"$N4A" run examples/gasoline_sweep.json -w "$TMP/new" -q --name first > /dev/null ||
  fail "the workspace whose creation was killed does not take a run"
expect_exit 0 "$N4A" -w "$TMP/new" workspace check
[ "$("$N4A" -w "$TMP/new" sql "SELECT string_agg(name, ',') FROM runs" --format csv |
  tail -n +2)" = first ] || fail "runs of the re-created workspace"
! ls "$TMP/new"/store.duckdb.tmp.* > /dev/null 2>&1 || fail "the temporary catalog was left behind"
