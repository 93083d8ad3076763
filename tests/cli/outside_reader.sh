#!/usr/bin/env bash
# Another DuckDB client holding store.duckdb open (issue 26, item 1): a
# commit that meets DuckDB's own lock waits for it, says for whom, and
# commits once it is gone; past --wait-for-lock the run fails with exit 3
# naming the client, keeps what it committed, and --resume finishes it.
source "$(dirname "$0")/../support/cli_lib.sh"
: "${N4A_HOLD_DUCKDB:?set N4A_HOLD_DUCKDB to the n4a_hold_duckdb test tool}"
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$TMP"' EXIT

synthetic_spectra 1500 700 "$TMP/spectra.csv"
sweep_config outside spectra.csv "$TMP/config.json"
total=1008
cd "$TMP"
"$N4A" workspace init ws > /dev/null

# hold SECONDS MODE: an outside client holds the catalog open; returns once it has.
hold() {
  "$N4A_HOLD_DUCKDB" ws/store.duckdb "$1" "$2" > hold.out 2> hold.err &
  holder=$!
  pids+=("$holder")
  for _ in $(seq 1 100); do grep -q open hold.out && return 0; sleep 0.05; done
  fail "the outside client did not open the catalog: $(cat hold.err)"
}
completed() { sql "SELECT count(*) FROM pipelines WHERE status = 'completed'"; }
wait_for_commit() {  # until run $1 has a completed pipeline
  for _ in $(seq 1 600); do
    [ "$(sql "SELECT count(*) FROM pipelines p JOIN runs r USING (run_id) WHERE r.name = '$1' AND p.status = 'completed'" 2>/dev/null || echo 0)" -gt 0 ] && return 0
    sleep 0.1
  done
  fail "run $1 committed nothing"
}

# 1. A read-only client that opened first and keeps the file for 3 s.
hold 3 read_only
expect_exit 0 "$N4A" run config.json -w ws --jobs 2 -q --name first
[ "$(completed)" = "$total" ] || fail "first: $(completed) of $total pipelines"

# meet_client NAME SECONDS MODE [OPTION...]: run NAME in the background and,
# once it has committed, let a client hold the catalog; sets $status.
meet_client() {
  local name=$1 seconds=$2 mode=$3
  shift 3
  "$N4A" "$@" run config.json -w ws --jobs 2 -q --name "$name" > "$name.out" 2> "$name.err" &
  local run=$!
  pids+=("$run")
  wait_for_commit "$name"
  hold "$seconds" "$mode"
  status=0
  wait "$run" || status=$?
}

# 2. A client that opens the file in the middle of a run.
meet_client second 3 read_only
[ "$status" = 0 ] || fail "second: exit $status: $(cat second.err)"
[ "$(completed)" = $((2 * total)) ] || fail "second: $(completed) completed pipelines in all"

# 3. A client that outlasts --wait-for-lock: exit 3, naming it; resume finishes.
meet_client third 8 read_write --wait-for-lock 1
[ "$status" = 3 ] || fail "third: exit $status, want 3: $(cat third.err)"
grep -q "waiting for .*n4a_hold_duckdb (PID $holder)" third.err ||
  fail "the wait does not name the client: $(cat third.err)"
grep -q "n4a run --resume" third.err || fail "no resume hint: $(cat third.err)"
wait "$holder"
run_id=$(sql "SELECT run_id FROM runs WHERE name = 'third'")
[ "$(sql "SELECT count(*) FROM pipelines WHERE run_id = '$run_id' AND status = 'completed'")" -gt 0 ] ||
  fail "third: what was committed before the client came is gone"
expect_exit 0 "$N4A" run --resume "$run_id" -w ws -q
[ "$(completed)" = $((3 * total)) ] || fail "third: $(completed) completed pipelines in all after resume"
expect_exit 0 "$N4A" -w ws workspace check
echo "ok: commits waited for outside DuckDB clients; one past --wait-for-lock was resumed"
