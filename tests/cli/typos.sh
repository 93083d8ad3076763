#!/usr/bin/env bash
# Issue 26 item 11: a typo in a status, partition, metric or grouping field
# is bad usage (exit 2) naming the closest known value, not "(no rows)".
source "$(dirname "$0")/../support/cli_lib.sh"
n4a() { "$N4A" -w "$TMP/ws" "$@"; }
small_config "$TMP/cfg.json" 4
n4a run "$TMP/cfg.json" -q > /dev/null || fail "n4a run exited $?"

expect_usage "unknown metric 'nosuch'" n4a top --metric nosuch
expect_usage "unknown metric 'rsme' (did you mean rmse?)" n4a top --metric rsme
expect_usage "unknown partition 'nope'" n4a top --partition nope
expect_usage "unknown partition 'nope'" n4a predictions --partition nope
expect_usage "(did you mean test?)" n4a predictions --partition tset
expect_usage "unknown partition 'vall'" n4a export predictions p.parquet --partition vall
expect_usage "unknown run status 'nope'" n4a runs --status nope
expect_usage "unknown run status 'complete' (did you mean completed?)" n4a runs --status complete
expect_usage "known: running, completed, failed, interrupted" n4a runs --status nope
expect_usage "unknown pipeline status 'nope'" n4a pipelines --status nope
expect_usage "(did you mean cv_val_score?)" n4a chains --metric cv_val_scor
expect_usage "(did you mean preprocessings?)" n4a top --group-by preprocessing
[ ! -e "$TMP/ws/exports/p.parquet" ] || fail "a refused export wrote its file"

# Known values still answer, and an empty answer stays one.
expect_exit 0 n4a top --metric r2 -n 3 --format csv
[ "$(tail -n +2 "$TMP/out.txt" | wc -l)" = 3 ] || fail "top --metric r2: $(cat "$TMP/out.txt")"
expect_exit 0 n4a top --metric rmse --partition test --format csv
[ "$(tail -n +2 "$TMP/out.txt" | wc -l)" -gt 0 ] || fail "top --partition test is empty"
expect_exit 0 n4a runs --status failed
grep -q "(no rows)" "$TMP/out.txt" || fail "runs --status failed: $(cat "$TMP/out.txt")"
expect_exit 0 n4a pipelines --status completed --format csv
[ "$(tail -n +2 "$TMP/out.txt" | wc -l)" = 4 ] || fail "pipelines --status completed"
# The help names the statuses from the same list.
n4a runs --help | grep -q "running, completed, failed, interrupted" || fail "runs --help"
echo "typos: ok"
