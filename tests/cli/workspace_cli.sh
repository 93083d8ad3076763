#!/usr/bin/env bash
# Black-box tests of the workspace, listing and maintenance commands: they run
# the real n4a binary ($N4A) and check what it prints, writes and exits with.
source "$(dirname "$0")/../support/cli_lib.sh"
cd "$TMP"
json_len() { /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# Version and help.
"$N4A" --version | grep -q '^n4a [0-9]' || fail "--version"
"$N4A" --help | grep -q 'workspace' || fail "--help lists commands"
expect_exit 2 "$N4A" --no-such-option
expect_exit 2 "$N4A"  # a subcommand is required

# A folder that is not a workspace: clear error, nothing created.
expect_exit 1 "$N4A" --workspace nowhere runs
grep -q 'not a workspace' err.txt || fail "missing workspace message"
[ ! -e nowhere ] || fail "a read command created a workspace"

# init, then info via NIRS4ALL_WORKSPACE; ./workspace is the default.
"$N4A" workspace init ws | grep -q 'workspace ready' || fail "init"
for f in store.duckdb store.lock artifacts arrays exports library; do
  [ -e "ws/$f" ] || fail "init did not create ws/$f"
done
NIRS4ALL_WORKSPACE=ws "$N4A" workspace info | grep -q 'schema version:  3' || fail "info via env"
"$N4A" workspace init >/dev/null && [ -e workspace/store.duckdb ] || fail "default ./workspace"
[ "$("$N4A" -w ws workspace info --format json | /usr/bin/python3 -c \
  'import json,sys; print(json.load(sys.stdin)["counts"]["runs"])')" = 0 ] || fail "info json"

# Listings on an empty workspace, in every format.
"$N4A" -w ws runs | grep -q '(no rows)' || fail "empty runs table"
[ "$("$N4A" -w ws runs --format json | json_len)" = 0 ] || fail "runs json"
"$N4A" -w ws top --format csv | head -1 | grep -q '^rank,score,prediction_id' || fail "top csv header"
expect_exit 2 "$N4A" -w ws runs --format xml
expect_exit 2 "$N4A" -w ws pipelines --where "no_such_field = 1"

# sql: reads work, writes are refused with exit 2 and change nothing.
[ "$("$N4A" -w ws sql "SELECT 40 + 2 AS answer" --format csv | tail -1)" = 42 ] || fail "sql select"
expect_exit 2 "$N4A" -w ws sql "DROP TABLE runs"
expect_exit 2 "$N4A" -w ws sql "SELECT 1; DELETE FROM runs"
"$N4A" -w ws sql "SELECT count(*) AS n FROM runs" --format csv | tail -1 | grep -qx 0 || fail "runs table intact"

# Maintenance on a healthy empty workspace.
"$N4A" -w ws workspace check | grep -q ': ok' || fail "check ok"
"$N4A" -w ws artifacts cleanup --dry-run | grep -q 'would free 0' || fail "cleanup dry run"
expect_exit 2 "$N4A" -w ws artifacts cleanup --grace soon
"$N4A" -w ws workspace vacuum | grep -q 'store.duckdb' || fail "vacuum"
"$N4A" -w ws workspace compact | grep -q 'nothing to compact' || fail "compact"
expect_exit 1 "$N4A" -w ws workspace delete-run --run-id 0190-nope
grep -q 'does not exist' err.txt || fail "delete-run unknown id message"
expect_exit 1 "$N4A" -w ws artifacts show 00ff
grep -q 'does not exist' err.txt || fail "artifacts show unknown id"

# A damaged catalog is corruption: exit 4, and nothing rewrites it.
cp -r ws broken
head -c 8192 /dev/urandom > broken/store.duckdb
sum=$(sha256sum broken/store.duckdb)
expect_exit 4 "$N4A" -w broken runs
grep -q 'damaged' err.txt || fail "corruption message"
[ "$(sha256sum broken/store.duckdb)" = "$sum" ] || fail "a corrupt catalog was modified"

# A truncated catalog (issue 26, item 6): every command says damaged, exit 4,
# even those whose queries would not reach the missing blocks, and a run
# writes nothing (no array part, no undo file) before it computes.
cd "$N4A_SOURCE_DIR"
"$N4A" run examples/gasoline_sweep.json -w "$TMP/cut" -q > /dev/null
"$N4A" -w "$TMP/cut" runs > /dev/null  # folds the last commit's log into store.duckdb
cd "$TMP"
size=$(stat -c %s cut/store.duckdb)
for keep in 2 7; do
  rm -rf short
  cp -r cut short
  truncate -s $((size * keep / 8)) short/store.duckdb
  sum=$(sha256sum short/store.duckdb)
  for cmd in runs top "workspace check" "workspace info"; do
    # shellcheck disable=SC2086
    expect_exit 4 "$N4A" -w short $cmd
    grep -q 'damaged.*truncated' err.txt || fail "$cmd on a catalog cut to $keep/8: $(cat err.txt)"
  done
  find short -type f | sort > files.before
  (cd "$N4A_SOURCE_DIR" && expect_exit 4 "$N4A" run examples/gasoline_sweep.json -w "$TMP/short" -q)
  find short -type f | sort > files.after
  diff files.before files.after > /dev/null || fail "a run wrote into a truncated workspace"
  [ "$(sha256sum short/store.duckdb)" = "$sum" ] || fail "a truncated catalog was modified"
done

# sql reads the catalog and the workspace's own arrays, and no other file
# (issue 26, item 10): external access is off for it.
echo "secret" > outside.csv
for q in "SELECT * FROM read_csv('/etc/passwd')" "SELECT * FROM read_text('$TMP/outside.csv')" \
         "SELECT * FROM 'outside.csv'" "SELECT * FROM glob('/etc/*')" \
         "SELECT * FROM read_parquet('cut/arrays/../../outside.csv')"; do
  expect_exit 2 "$N4A" -w cut sql "$q"
  grep -q 'disabled by configuration' err.txt || fail "sql read outside the workspace: $q: $(cat out.txt err.txt)"
done
expect_exit 2 "$N4A" -w cut sql "SET enable_external_access = true"
n=$("$N4A" -w cut sql "SELECT count(*) FROM read_parquet('cut/arrays/*/*.parquet')" --format csv | tail -1)
[ "$n" = "$("$N4A" -w cut sql "SELECT count(*) FROM prediction_arrays" --format csv | tail -1)" ] ||
  fail "sql cannot read the workspace's arrays ($n rows)"
echo "workspace_cli: all checks passed"
