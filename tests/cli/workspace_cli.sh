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
echo "workspace_cli: all checks passed"
