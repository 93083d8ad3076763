#!/usr/bin/env bash
# Two n4a run processes on one workspace at the same time: both complete and
# nothing is lost.
source "$(dirname "$0")/../support/cli_lib.sh"
cd "$N4A_SOURCE_DIR"
"$N4A" workspace init "$TMP/ws" > /dev/null
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" --jobs 1 -q --name first > "$TMP/a" 2>&1 & a=$!
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" --jobs 1 -q --name second > "$TMP/b" 2>&1 & b=$!
sa=0; sb=0
wait $a || sa=$?
wait $b || sb=$?
[ "$sa" = 0 ] || fail "first run exited $sa: $(cat "$TMP/a")"
[ "$sb" = 0 ] || fail "second run exited $sb: $(cat "$TMP/b")"
[ "$(sql "SELECT count(*) FROM runs WHERE status = 'completed'")" = 2 ] || fail "runs"
for name in first second; do
  n=$(sql "SELECT count(*) FROM pipelines p JOIN runs r USING (run_id) WHERE r.name = '$name' AND p.status = 'completed'")
  [ "$n" = 135 ] || fail "run $name has $n completed pipelines, expected 135"
done
[ "$(sql "SELECT count(*) FROM chains")" = 270 ] || fail "chains"
[ "$(sql "SELECT count(*) FROM predictions")" = 3240 ] || fail "predictions"
echo "ok"
