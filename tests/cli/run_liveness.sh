#!/usr/bin/env bash
# A run's process holds its liveness lock (issue 26, items 3-5): a resume or
# a delete while it runs is refused, naming the process; SIGTERM stops it as
# Ctrl-C does; a run whose process was killed reads "dead", and its resume
# retires what the dead attempt left unfinished and redoes it once.
source "$(dirname "$0")/../support/cli_lib.sh"
pid=
trap 'if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi; rm -rf "$TMP"' EXIT

synthetic_spectra 1500 700 "$TMP/spectra.csv"
sweep_config liveness spectra.csv "$TMP/config.json"
total=1008
cd "$TMP"
"$N4A" workspace init ws > /dev/null

completed() { sql "SELECT count(*) FROM pipelines WHERE status = 'completed'" 2>/dev/null || echo 0; }
# wait_for_more N: until more than N pipelines are completed (or the process ends).
wait_for_more() {
  for _ in $(seq 1 600); do
    [ "$(completed)" -gt "$1" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

"$N4A" run config.json -w ws --jobs 1 > run1.out 2>&1 &
pid=$!
wait_for_more 0
run_id=$(sql "SELECT run_id FROM runs")
kill -0 "$pid" 2>/dev/null || fail "the run ended before the checks"

# Item 3: the original process holds the run.
expect_exit 1 "$N4A" run --resume "$run_id" -w ws
grep -q "run $run_id is still running: pid $pid" "$TMP/err.txt" ||
  fail "the refusal does not name the running process: $(cat "$TMP/err.txt")"
expect_exit 1 "$N4A" -w ws workspace delete-run --run-id "$run_id"
grep -q "still running: pid $pid" "$TMP/err.txt" || fail "delete-run: $(cat "$TMP/err.txt")"
[ "$("$N4A" -w ws runs --format csv | tail -n +2 | cut -d, -f3)" = running ] ||
  fail "a live run does not read running"

# Item 5: SIGTERM is a clean stop.
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 143 ] || fail "SIGTERM: exit $status, want 143: $(cat run1.out)"
[ "$(sql "SELECT status FROM runs")" = interrupted ] || fail "SIGTERM did not mark it interrupted"
grep -q "n4a run --resume $run_id" run1.out || fail "no resume hint after SIGTERM: $(cat run1.out)"
before=$(completed)
[ "$before" -lt "$total" ] || fail "the sweep finished before SIGTERM"

# Items 4 and 5: a resume killed with SIGKILL leaves a dead run.
"$N4A" run --resume "$run_id" -w ws --jobs 1 > run2.out 2>&1 &
pid=$!
wait_for_more "$before"
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=
[ "$(sql "SELECT status FROM runs")" = running ] || fail "the catalog should still say running"
[ "$("$N4A" -w ws runs --format csv | tail -n +2 | cut -d, -f3)" = dead ] ||
  fail "a run whose process was killed does not read dead: $("$N4A" -w ws runs)"
[ "$("$N4A" -w ws runs --status dead --format csv | tail -n +2 | wc -l)" = 1 ] ||
  fail "runs --status dead does not list it"
expect_exit 0 "$N4A" -w ws workspace check
left=$(sql "SELECT count(*) FROM pipelines WHERE status = 'running'")
if [ "$left" -gt 0 ]; then
  grep -q "run $run_id is dead" "$TMP/out.txt" || fail "check does not warn: $(cat "$TMP/out.txt")"
fi

"$N4A" run --resume "$run_id" -w ws --format json > resume.json || fail "resume exited $?"
[ "$(sql "SELECT status FROM runs")" = completed ] || fail "resumed run not completed"
[ "$(completed)" = "$total" ] || fail "$(completed) completed pipelines, want $total"
[ "$(sql "SELECT count(*) FROM pipelines WHERE status <> 'retired'")" = "$total" ] ||
  fail "unfinished pipelines of the dead attempt were not retired"
[ "$(sql "SELECT count(DISTINCT generator_choices::VARCHAR) FROM pipelines")" = "$total" ] ||
  fail "variants missing"
[ "$(sql "SELECT count(*) FROM chains")" = "$total" ] || fail "a variant has two chains"
[ "$(sql "SELECT count(*) FROM (SELECT chain_id FROM chains c JOIN pipelines p USING (pipeline_id) WHERE p.status <> 'completed')")" = 0 ] ||
  fail "chains of unfinished pipelines remain"
/usr/bin/python3 -c "import json; d=json.load(open('resume.json')); assert d['retired'] == $left, (d['retired'], $left)" ||
  fail "the resume report does not count the $left retired pipelines"
expect_exit 0 "$N4A" -w ws workspace check
grep -q "^warning\|^problem" "$TMP/out.txt" && fail "check after the resume: $(cat "$TMP/out.txt")"
echo "ok: refused while alive, SIGTERM exit 143, dead after SIGKILL, $left retired, $total variants once"
