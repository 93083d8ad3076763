#!/usr/bin/env bash
# The figures of issue 5 (`n4a run`), measured in one run on this machine
# (bench/run.sh calls this with the build dir):
#   1. recording overhead: a sweep of 40 variants x 5 folds (+ refit) on 2,000 x
#      1,000 synthetic spectra, with --no-record and with recording into a fresh
#      workspace, each REPEATS times interleaved; median wall times, and the
#      overhead ratio of the sweep (the time n4a reports: fitting, scoring and,
#      when recording, until the last commit returned) and of the whole
#      process (including loading the 18 MB CSV);
#      and the CPU time (user + sys) of the process, steadier on a shared machine;
#   2. the same for a long sweep: 504 variants (36 preprocessings x PLS 1..14)
#      x 5 folds (+ refit) on 1,500 x 700 spectra, LONG_REPEATS times (default
#      REPEATS), and the size of its recorded workspace (artifacts, arrays);
#   3. a wide sweep: 5,400 variants (270 preprocessings x PLS 1..20) x 5 folds
#      (+ refit) on the gasoline data (60 x 401), WIDE_REPEATS times (default
#      1): sweep wall time and peak memory (max RSS), with and without
#      recording; there the per-variant records, not the arrays, are the work;
#   4. recording into a grown workspace: GROWN_SWEEPS (default 3) wide sweeps
#      recorded into one workspace (~65,000 predictions each), then the
#      40-variant sweep recorded into it and into a fresh one, REPEATS times
#      interleaved: what a commit costs once a workspace holds months of
#      experiments, against a fresh one;
#   5. the gasoline example (135 variants) wall time, recorded.
# Writes bench/results/run_summary.json and prints a table. Goal: recording
# adds at most 15% to the sweep.
#
# Before timing, the script syncs and waits SETTLE_SECONDS (default 65). On
# ext4 without a journal (this machine's root filesystem), the inode
# allocator skips inodes freed in the last 60 s (360 s while their inode
# table block is not written back) and scans past each of them for every new
# file. Right after another benchmark or a test suite deleted ~10,000 files in
# /tmp, each new file and folder of a recorded sweep costs ~0.3 ms more:
# +0.1..0.16 s per recorded run. That cost belongs to whoever deleted the
# files, not to n4a; SETTLE_SECONDS=0 measures it.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N4A="$PWD/$BUILD/n4a"
OUT=bench/results
REPEATS=${REPEATS:-3}
JOBS=${JOBS:-$(nproc)}
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# spectra N P SEED: N spectra x P wavelengths, two Gaussian bands whose heights set y.
spectra() {
  awk -v n="$1" -v p="$2" -v seed="$3" 'BEGIN {
  srand(seed); printf "y"; for (j = 0; j < p; j++) printf ",%d", 1000 + 2 * j; printf "\n";
  for (i = 0; i < n; i++) {
    a = rand(); b = rand(); base = rand() * 0.2; printf "%.6f", 3 * a - 2 * b + 0.05 * rand();
    for (j = 0; j < p; j++) {
      v = base + a * exp(-((j - p / 3) / 20) ^ 2) + b * exp(-((j - 2 * p / 3) / 30) ^ 2);
      printf ",%.6f", v + 0.01 * rand() }
    printf "\n" } }'
}
spectra 2000 1000 11 > "$TMP/spectra.csv"
spectra 1500 700 7 > "$TMP/long.csv"
cat > "$TMP/sweep.json" <<'JSON'
{"name": "bench_40x5",
 "dataset": {"path": "spectra.csv", "target": "y", "test": {"fraction": 0.2, "seed": 1}},
 "cv": {"type": "kfold", "n_splits": 5, "shuffle": true, "seed": 0},
 "pipeline": [{"_or_": [{"op": "SNV"}, {"op": "MSC"}]},
              {"op": "SavitzkyGolay", "window_length": 15, "polyorder": 2, "deriv": {"_or_": [0, 1]}},
              {"model": "PLSRegression", "n_components": {"_range_": [1, 10]}}]}
JSON
cat > "$TMP/long.json" <<'JSON'
{"name": "bench_504x5",
 "dataset": {"path": "long.csv", "target": "y", "test": {"fraction": 0.2, "seed": 1}},
 "cv": {"type": "kfold", "n_splits": 5, "shuffle": true, "seed": 0},
 "pipeline": [{"_or_": [{"op": "SNV"}, {"op": "MSC"}, null]},
              {"op": "SavitzkyGolay", "window_length": {"_or_": [7, 11, 15, 21]}, "polyorder": 2,
               "deriv": {"_or_": [0, 1, 2]}},
              {"model": "PLSRegression", "n_components": {"_range_": [1, 14]}}]}
JSON

cat > "$TMP/wide.json" <<JSON
{"name": "bench_5400x5",
 "dataset": {"path": "$PWD/data/gasoline.csv", "target": "octane", "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 5, "shuffle": true, "seed": 42},
 "pipeline": [{"_or_": [{"op": "SNV"}, {"op": "MSC"}, null]},
              {"op": "SavitzkyGolay", "window_length": {"_or_": [5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33]},
               "polyorder": {"_or_": [2, 3]}, "deriv": {"_or_": [0, 1, 2]}},
              {"model": "PLSRegression", "n_components": {"_range_": [1, 20]}}]}
JSON

now() { date +%s.%N; }
sync
sleep "${SETTLE_SECONDS:-65}"
# run_once CONFIG VARIANTS MODE OUTFILE [N]: runs CONFIG.json (workspace CONFIG_ws<N> when
# recording), checks that VARIANTS completed, prints "<process seconds> <sweep ms> <process CPU
# seconds> <max RSS KB>"
run_once() {
  local config=$1 variants=$2
  shift 2
  local args=(--no-record)
  if [ "$1" = record ]; then
    # A new workspace folder each time; all go at exit. (Deleting the last
    # one right before would time ext4's inode allocator skipping hundreds of
    # just-freed inodes: +0.2 s of kernel time that users do not see.)
    args=(-w "$TMP/${config}_ws$3")
  elif [ "$1" = grown ]; then
    args=(-w "$TMP/grown_ws")
  fi
  local t0 t1
  t0=$(now)
  (cd "$TMP" && /usr/bin/time -f "%U %S %M" -o "$TMP/cpu" \
    "$N4A" run "$config.json" "${args[@]}" --jobs "$JOBS" --format json > "$2")
  t1=$(now)
  python3 -c "import json; d=json.load(open('$2')); assert d['completed'] == $variants, d['completed']
u, s, rss = map(float, open('$TMP/cpu').read().split()[-3:])
print($t1 - $t0, d['wall_ms'], u + s, int(rss))"
}

: > "$TMP/times"
for i in $(seq 1 "$REPEATS"); do
  echo "no_record $(run_once sweep 40 no_record "$TMP/a.json")" >> "$TMP/times"
  echo "record $(run_once sweep 40 record "$TMP/b.json" "$i")" >> "$TMP/times"
done
for i in $(seq 1 "${LONG_REPEATS:-$REPEATS}"); do
  echo "long_no_record $(run_once long 504 no_record "$TMP/a.json")" >> "$TMP/times"
  echo "long_record $(run_once long 504 record "$TMP/b.json" "$i")" >> "$TMP/times"
done
for i in $(seq 1 "${WIDE_REPEATS:-1}"); do
  echo "wide_no_record $(run_once wide 5400 no_record "$TMP/a.json")" >> "$TMP/times"
  echo "wide_record $(run_once wide 5400 record "$TMP/b.json" "$i")" >> "$TMP/times"
done
for i in $(seq 1 "${GROWN_SWEEPS:-3}"); do
  run_once wide 5400 grown "$TMP/a.json" > /dev/null
done
"$N4A" --workspace "$TMP/grown_ws" sql "SELECT count(*) AS n FROM predictions" --format json \
  > "$TMP/grown.json"
for i in $(seq 1 "$REPEATS"); do
  echo "grown_fresh $(run_once sweep 40 record "$TMP/b.json" "_fresh$i")" >> "$TMP/times"
  echo "grown_record $(run_once sweep 40 grown "$TMP/b.json")" >> "$TMP/times"
done
# Bytes of the last recorded workspace of each sweep, by folder; the catalog
# with its log (a sweep's last commit, when small, waits there for the next
# window: docs/formats/catalog.md).
for config in sweep long wide; do
  ws="$TMP/${config}_ws1"
  echo "$config $(du -sb "$ws/artifacts" "$ws/arrays" | cut -f1 | tr '\n' ' ')" \
    "$(cat "$ws/store.duckdb" "$ws"/store.duckdb.wal 2> /dev/null | wc -c)"
done > "$TMP/sizes"
t0=$(now)
"$N4A" run examples/gasoline_sweep.json -w "$TMP/gasoline_ws" --jobs "$JOBS" --format json > "$TMP/g.json"
t1=$(now)

python3 - "$TMP/times" "$TMP/g.json" "$t0" "$t1" "$OUT/run_summary.json" "$JOBS" "$TMP/sizes" \
  "$TMP/grown.json" "${GROWN_SWEEPS:-3}" <<'PY'
import json, statistics, sys
times, gasoline, t0, t1, out, jobs, sizes, grown, grown_sweeps = sys.argv[1:]
rows = [line.split() for line in open(times)]
def med(mode, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == mode)
g = json.load(open(gasoline))
s = {
    "sweep": "40 variants x 5 folds + refit, 2000 x 1000 spectra (80/20 train/test)",
    "jobs": int(jobs), "repeats": sum(1 for r in rows if r[0] == "record"),
    "no_record_sweep_s": med("no_record", 2) / 1000, "record_sweep_s": med("record", 2) / 1000,
    "no_record_process_s": med("no_record", 1), "record_process_s": med("record", 1),
    "no_record_cpu_s": med("no_record", 3), "record_cpu_s": med("record", 3),
    "gasoline_process_s": float(t1) - float(t0), "gasoline_sweep_s": g["wall_ms"] / 1000,
    "gasoline_variants": g["completed"],
    "gasoline_best": g["leaderboard"][0]["name"], "gasoline_best_test_rmse": g["leaderboard"][0]["test_score"],
}
s["sweep_overhead"] = s["record_sweep_s"] / s["no_record_sweep_s"] - 1
s["sweep_overhead_ms"] = 1000 * (s["record_sweep_s"] - s["no_record_sweep_s"])
s["process_overhead"] = s["record_process_s"] / s["no_record_process_s"] - 1
s["cpu_overhead"] = s["record_cpu_s"] / s["no_record_cpu_s"] - 1
for name, label in (
        ("long", "504 variants (36 preprocessings x PLS 1..14) x 5 folds + refit, 1500 x 700 spectra"),
        ("wide", "5400 variants (270 preprocessings x PLS 1..20) x 5 folds + refit, gasoline 60 x 401")):
    s[f"{name}_sweep"] = label
    s[f"{name}_repeats"] = sum(1 for r in rows if r[0] == f"{name}_record")
    for mode in ("no_record", "record"):
        s[f"{name}_{mode}_sweep_s"] = med(f"{name}_{mode}", 2) / 1000
        s[f"{name}_{mode}_cpu_s"] = med(f"{name}_{mode}", 3)
        s[f"{name}_{mode}_max_rss_mb"] = med(f"{name}_{mode}", 4) / 1024
    s[f"{name}_sweep_overhead"] = s[f"{name}_record_sweep_s"] / s[f"{name}_no_record_sweep_s"] - 1
    s[f"{name}_cpu_overhead"] = s[f"{name}_record_cpu_s"] / s[f"{name}_no_record_cpu_s"] - 1
for line in open(sizes):
    name, artifacts, arrays, catalog = line.split()
    s[f"{name}_workspace_mb"] = {"artifacts": int(artifacts) / 1e6, "arrays": int(arrays) / 1e6,
                                 "catalog": int(catalog) / 1e6}
s["grown_prior_wide_sweeps"] = int(grown_sweeps)
s["grown_predictions"] = json.load(open(grown))[0]["n"]
s["grown_fresh_sweep_s"] = med("grown_fresh", 2) / 1000
s["grown_record_sweep_s"] = med("grown_record", 2) / 1000
s["grown_vs_fresh"] = s["grown_record_sweep_s"] / s["grown_fresh_sweep_s"] - 1
json.dump(s, open(out, "w"), indent=2)
print(f"n4a run: recording overhead ({s['sweep']}, --jobs {jobs}, median of {s['repeats']})")
print(f"  {'':28} {'--no-record':>12} {'recorded':>10} {'overhead':>9}")
print(f"  {'sweep (fit, score, commit)':28} {s['no_record_sweep_s']:>11.2f}s {s['record_sweep_s']:>9.2f}s {100*s['sweep_overhead']:>8.1f}%")
print(f"  {'whole process (+ CSV load)':28} {s['no_record_process_s']:>11.2f}s {s['record_process_s']:>9.2f}s {100*s['process_overhead']:>8.1f}%")
print(f"  {'process CPU time (user+sys)':28} {s['no_record_cpu_s']:>11.2f}s {s['record_cpu_s']:>9.2f}s {100*s['cpu_overhead']:>8.1f}%")
print(f"  goal: <= 15% ({'met' if s['sweep_overhead'] <= 0.15 else 'NOT met'}); recording adds "
      f"{s['sweep_overhead_ms']:.0f} ms to the sweep")
print(f"  long sweep ({s['long_sweep']}, median of {s['long_repeats']}): "
      f"{s['long_no_record_sweep_s']:.2f} s --no-record, {s['long_record_sweep_s']:.2f} s recorded "
      f"(+{100*s['long_sweep_overhead']:.1f}%; CPU +{100*s['long_cpu_overhead']:.1f}%)")
print(f"  wide sweep ({s['wide_sweep']}, median of {s['wide_repeats']}): "
      f"{s['wide_no_record_sweep_s']:.2f} s --no-record, {s['wide_record_sweep_s']:.2f} s recorded "
      f"(+{100*s['wide_sweep_overhead']:.1f}%); peak memory {s['wide_no_record_max_rss_mb']:.0f} MB "
      f"--no-record, {s['wide_record_max_rss_mb']:.0f} MB recorded")
for name, label in (("sweep", "40-variant"), ("long", "504-variant"), ("wide", "5,400-variant")):
    w = s[f"{name}_workspace_mb"]
    print(f"  recorded workspace of the {label} sweep: artifacts {w['artifacts']:.1f} MB, "
          f"arrays {w['arrays']:.1f} MB, catalog {w['catalog']:.1f} MB")
print(f"  the 40-variant sweep recorded into a workspace grown by {s['grown_prior_wide_sweeps']} wide "
      f"sweeps ({s['grown_predictions']:,} predictions): {s['grown_record_sweep_s']:.2f} s, against "
      f"{s['grown_fresh_sweep_s']:.2f} s into a fresh one (+{100*s['grown_vs_fresh']:.1f}%)")
print(f"gasoline example: {g['completed']} variants recorded in {s['gasoline_process_s']:.2f} s "
      f"(sweep {s['gasoline_sweep_s']:.2f} s); best {s['gasoline_best']}, test RMSE {s['gasoline_best_test_rmse']:.3f}")
PY
