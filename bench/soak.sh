#!/usr/bin/env bash
# Soak test (issue 26; part of `make bench`, not of CI): for SOAK_SECONDS
# (default 600), on one workspace,
#   - 4 writers run sweeps, or resume runs that were stopped, one after another;
#   - a killer sends SIGKILL or SIGTERM to a random writer every 2-6 s;
#   - a reader holds store.duckdb open from another DuckDB client (read-only,
#     0.2-1.5 s at a time) and samples the pipelines committed as completed;
#   - a cleaner runs `n4a artifacts cleanup --grace 0` in a loop.
# Then every stopped run is resumed, and the workspace must pass `workspace
# check` with no problem, hold every variant of every run exactly once, and
# still hold every pipeline that was ever seen completed.
#   bash bench/soak.sh [BUILD]     (figures in bench/results/soak.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N4A=$(realpath "$BUILD/n4a")
HOLD=$(realpath "$BUILD/tests/n4a_hold_duckdb")
SECONDS_TOTAL=${SOAK_SECONDS:-600}
OUT=$PWD/bench/results
mkdir -p "$OUT"
export N4A N4A_SOURCE_DIR=$PWD
source tests/support/cli_lib.sh
trap 'kill $(jobs -p) 2>/dev/null || true; pkill -9 -f "n4a run .*-w $TMP/ws" 2>/dev/null || true; rm -rf "$TMP"' EXIT

synthetic_spectra 400 300 "$TMP/spectra.csv"
sweep_config soak spectra.csv "$TMP/config.json"
variants=1008
cd "$TMP"
"$N4A" workspace init ws > /dev/null
deadline=$(($(date +%s) + SECONDS_TOTAL))
alive() { [ "$(date +%s)" -lt "$deadline" ]; }
count() { wc -l < "$1" 2> /dev/null || echo 0; }

# A stopped run (interrupted or dead) to resume, if any.
stopped_run() {
  "$N4A" -w ws --wait-for-lock 30 runs --where "status = 'interrupted' or status = 'dead'" \
    --format csv 2> /dev/null | tail -n +2 | shuf -n 1 | cut -d, -f1
}

writer() {
  while alive; do
    local run
    run=$(stopped_run || true)
    if [ -n "$run" ] && [ $((RANDOM % 2)) = 0 ]; then
      echo "$run" >> resumes
      "$N4A" run --resume "$run" -w ws --jobs 1 -q > /dev/null 2>> "writer$1.err" || true
    else
      echo started >> starts
      "$N4A" run config.json -w ws --jobs 1 -q > /dev/null 2>> "writer$1.err" || true
    fi
  done
}

killer() {
  while alive; do
    sleep "$((2 + RANDOM % 5))"
    local pid
    pid=$(pgrep -f "n4a run .*-w ws" | shuf -n 1 || true)
    [ -n "$pid" ] || continue
    if [ $((RANDOM % 2)) = 0 ]; then
      kill -KILL "$pid" 2> /dev/null && echo "$pid" >> kills || true
    else
      kill -TERM "$pid" 2> /dev/null && echo "$pid" >> terms || true
    fi
  done
}

reader() {
  while alive; do
    "$HOLD" ws/store.duckdb "0.$((2 + RANDOM % 13))" read_only > /dev/null 2>&1 && echo >> holds || true
    "$N4A" -w ws --wait-for-lock 30 sql \
      "SELECT pipeline_id FROM pipelines WHERE status = 'completed'" --format csv 2> /dev/null |
      tail -n +2 >> seen_completed || true
    sleep "$((1 + RANDOM % 3))"
  done
}

cleaner() {
  while alive; do
    if "$N4A" -w ws --wait-for-lock 30 artifacts cleanup --grace 0 > /dev/null 2>> cleaner.err; then
      echo >> cleanups
    fi
    sleep 0.5
  done
}

start=$(date +%s)
# (the shells' "Killed" notices go to writers.log)
for i in 1 2 3 4; do writer "$i" 2>> writers.log & done
killer &
reader &
cleaner &
wait
soaked=$(($(date +%s) - start))

# Finish every stopped run.
finished=0
while run=$(stopped_run) && [ -n "$run" ]; do
  "$N4A" run --resume "$run" -w ws -q > /dev/null || fail "the final resume of $run failed"
  finished=$((finished + 1))
done

report() { echo "$*" | tee -a "$OUT/soak.txt"; }
: > "$OUT/soak.txt"
report "soak: ${soaked} s, 4 writers; $(count starts) runs started, $(count resumes) resumes;" \
  "$(count kills) SIGKILL, $(count terms) SIGTERM; $(count holds) outside DuckDB holds;" \
  "$(count cleanups) cleanups with --grace 0; $finished runs resumed at the end"
"$N4A" -w ws workspace check > check.txt || fail "workspace check: $(cat check.txt)"
grep -q '^problem' check.txt && fail "workspace check: $(cat check.txt)"
runs=$(sql "SELECT count(*) FROM runs")
bad=$(sql "SELECT count(*) FROM (SELECT run_id FROM pipelines WHERE status <> 'retired'
             GROUP BY run_id HAVING count(*) <> $variants
               OR count(DISTINCT generator_choices::VARCHAR) <> $variants
               OR count(*) FILTER (WHERE status = 'completed') <> $variants)")
incomplete=$(sql "SELECT count(*) FROM runs WHERE status <> 'completed'")
duplicates=$(sql "SELECT count(*) FROM (SELECT 1 FROM pipelines WHERE status <> 'retired'
                    GROUP BY run_id, generator_choices::VARCHAR HAVING count(*) > 1)")
sort -u seen_completed > seen
sql "SELECT pipeline_id FROM pipelines WHERE status = 'completed'" | sort -u > final
lost=$(comm -23 seen final | wc -l)
retired=$(sql "SELECT count(*) FROM pipelines WHERE status = 'retired'")
report "result: $runs runs, $incomplete not completed, $bad with a variant missing or twice," \
  "$duplicates duplicate variants, $lost of $(count seen) pipelines seen completed now missing;" \
  "$retired unfinished pipelines retired by resumes; check: $(tail -1 check.txt)"
[ "$incomplete" = 0 ] && [ "$bad" = 0 ] && [ "$duplicates" = 0 ] && [ "$lost" = 0 ] ||
  fail "the soak lost or duplicated data"
echo "soak: ok"
