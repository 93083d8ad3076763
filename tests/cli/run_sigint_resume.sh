#!/usr/bin/env bash
# Ctrl-C stops a run cleanly (what finished is committed, the run is marked
# interrupted, exit 130); --resume finishes it without redoing pipelines.
source "$(dirname "$0")/../support/cli_lib.sh"
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$TMP"' EXIT

# Synthetic spectra and a sweep large enough to take a few seconds on 1 thread
# (~3.7 s here, recorded, with PLS fits and predictions shared across
# n_components): a first batch commits after 2 s, and the Ctrl-C must come
# before the end.
synthetic_spectra 1500 700 "$TMP/spectra.csv"
sweep_config interrupt_me spectra.csv "$TMP/config.json"
total=1008
cd "$TMP"
"$N4A" workspace init ws > /dev/null
"$N4A" run config.json -w ws --jobs 1 > run.out 2> run.err &
pid=$!
# Wait until a first batch of pipelines is committed, then press Ctrl-C.
for _ in $(seq 1 300); do
  done_now=$(sql "SELECT count(*) FROM pipelines WHERE status = 'completed'" 2>/dev/null || echo 0)
  [ "${done_now:-0}" -gt 0 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -INT "$pid" 2>/dev/null || true
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 130 ] || fail "expected exit 130 after SIGINT, got $status (the sweep may have finished first): $(cat run.err)"
run_id=$(sql "SELECT run_id FROM runs")
[ "$(sql "SELECT status FROM runs")" = interrupted ] || fail "run not marked interrupted"
completed=$(sql "SELECT count(*) FROM pipelines WHERE status = 'completed'")
[ "$completed" -gt 0 ] && [ "$completed" -lt "$total" ] || fail "$completed of $total completed before the interrupt"
grep -q "n4a run --resume $run_id" run.out || fail "no resume hint: $(cat run.out)"
sql "SELECT pipeline_id FROM pipelines WHERE status = 'completed' ORDER BY 1" > ids_before

"$N4A" run --resume "$run_id" -w ws --format json > resume.json || fail "resume exited $?"
[ "$(sql "SELECT status FROM runs")" = completed ] || fail "resumed run not completed"
[ "$(sql "SELECT count(*) FROM runs")" = 1 ] || fail "resume created a new run"
[ "$(sql "SELECT count(*) FROM pipelines WHERE status = 'completed'")" = "$total" ] ||
  fail "expected $total completed pipelines after resume"
[ "$(sql "SELECT count(DISTINCT generator_choices::VARCHAR) FROM pipelines")" = "$total" ] ||
  fail "some pipelines were run twice"
[ "$(sql "SELECT count(*) FROM pipelines WHERE status <> 'completed'")" = 0 ] || fail "leftovers"
sql "SELECT pipeline_id FROM pipelines WHERE status = 'completed' ORDER BY 1" > ids_after
[ -z "$(comm -23 ids_before ids_after)" ] || fail "pipelines of the first invocation are gone"
python3 -c "import json; d=json.load(open('resume.json')); assert d['completed'] == $total, d['completed']
assert sum(e['resumed'] for e in d['leaderboard']) == $completed" || fail "resume report"
status=0
"$N4A" run --resume "$run_id" -w ws > /dev/null 2>&1 || status=$?
[ "$status" != 0 ] || fail "resuming a completed run should fail"
echo "ok: $completed of $total completed before Ctrl-C, the rest after --resume"
