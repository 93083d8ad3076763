#!/usr/bin/env bash
# `n4a artifacts cleanup --grace 0` in a loop while `n4a run` writes (issue
# 26, item 2): the sweep keeps what the live writer has published and not
# yet committed (its in-flight files), so nothing a committed row references
# is deleted and the workspace passes `workspace check`.
source "$(dirname "$0")/../support/cli_lib.sh"
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$TMP"' EXIT

synthetic_spectra 1500 700 "$TMP/spectra.csv"
sweep_config gc_meets_run spectra.csv "$TMP/config.json"
cd "$TMP"
"$N4A" workspace init ws > /dev/null
"$N4A" run config.json -w ws --jobs 2 -q > run.out 2>&1 &
pid=$!
sweeps=0
while kill -0 "$pid" 2>/dev/null; do
  "$N4A" -w ws artifacts cleanup --grace 0 > gc.out 2> gc.err ||
    fail "cleanup exited $?: $(cat gc.err)"
  sweeps=$((sweeps + 1))
  sleep 0.2
done
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 0 ] || fail "the run exited $status: $(cat run.out)"
[ "$sweeps" -ge 3 ] || fail "only $sweeps cleanups ran during the run"
expect_exit 0 "$N4A" -w ws workspace check
[ "$(sql "SELECT count(*) FROM pipelines WHERE status = 'completed'")" = 1008 ] ||
  fail "not every pipeline completed"
# A last sweep after the run: what is referenced stays.
expect_exit 0 "$N4A" -w ws artifacts cleanup --grace 0
expect_exit 0 "$N4A" -w ws workspace check
[ -z "$(ls ws/inflight | grep -v '^sweep.lock$' || true)" ] ||
  fail "in-flight files left after the writer ended: $(ls ws/inflight)"
echo "ok: $sweeps cleanups with --grace 0 during the run, workspace check passes"
