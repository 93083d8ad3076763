#!/usr/bin/env bash
# The figures of issue 7's provenance and library commands, measured in one run
# on this machine (bench/run.sh calls this with the build dir):
#   1. what provenance costs a run: `n4a run` of one PLS variant on gasoline,
#      started from a folder inside a git work tree (this repository: three git
#      probes) and from a folder outside git, REPEATS times interleaved;
#      median wall times and their ratio (the git probes are the difference);
#   2. the lineage queries on a workspace of RUNS runs over 3 versions of a
#      CSV: `n4a datasets` and `n4a show CHAIN_ID` against the baseline
#      `n4a runs` (a plain listing) on the same workspace, median of REPEATS;
#   3. `n4a template save --from-pipeline` + `n4a template show` against the
#      same baseline.
# Writes bench/results/provenance_summary.json and prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=${1:-build}
N4A="$PWD/$BUILD/n4a"
OUT=bench/results
REPEATS=${REPEATS:-7}
RUNS=${RUNS:-30}
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/outside"
for v in 1 2 3; do  # three versions: 60, 61 and 62 rows
  { cat data/gasoline.csv; tail -n $((v - 1)) data/gasoline.csv | grep -v octane || true; } > "$TMP/v$v.csv"
done
config() {  # config CSV
  cat <<JSON
{"name": "bench", "dataset": {"path": "$1", "target": "octane", "name": "gasoline"},
 "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"op": "SNV"}, {"model": "PLSRegression", "n_components": 3}]}
JSON
}
config "$TMP/v1.csv" > "$TMP/one.json"
now() { date +%s.%N; }
# timed DIR CMD...: seconds of one invocation of CMD in DIR
timed() {
  local dir=$1 t0 t1
  shift
  t0=$(now)
  (cd "$dir" && "$@" > /dev/null)
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

: > "$TMP/times"
for i in $(seq 1 "$REPEATS"); do
  echo "run_git $(timed "$SRC" "$N4A" -w "$TMP/ws_run" run "$TMP/one.json" -q)" >> "$TMP/times"
  echo "run_nogit $(timed "$TMP/outside" "$N4A" -w "$TMP/ws_run" run "$TMP/one.json" -q)" >> "$TMP/times"
done
git_recorded=$("$N4A" -w "$TMP/ws_run" sql "SELECT count(*) FROM runs WHERE (provenance->'git') IS NOT NULL" --format csv | tail -1)

for i in $(seq 1 "$RUNS"); do
  config "$TMP/v$(( (i % 3) + 1 )).csv" > "$TMP/r.json"
  (cd "$TMP/outside" && "$N4A" -w "$TMP/ws" run "$TMP/r.json" -q > /dev/null)
done
chain=$("$N4A" -w "$TMP/ws" sql "SELECT chain_id FROM chains ORDER BY cv_val_score LIMIT 1" --format csv | tail -1)
pipeline=$("$N4A" -w "$TMP/ws" sql "SELECT pipeline_id FROM chains WHERE chain_id = '$chain'" --format csv | tail -1)
versions=$("$N4A" -w "$TMP/ws" datasets --format csv | tail -n +2 | wc -l)
for i in $(seq 1 "$REPEATS"); do
  echo "runs $(timed "$TMP" "$N4A" -w "$TMP/ws" runs)" >> "$TMP/times"
  echo "datasets $(timed "$TMP" "$N4A" -w "$TMP/ws" datasets)" >> "$TMP/times"
  echo "show $(timed "$TMP" "$N4A" -w "$TMP/ws" show "$chain")" >> "$TMP/times"
  echo "show_json $(timed "$TMP" "$N4A" -w "$TMP/ws" show "$chain" --format json)" >> "$TMP/times"
  echo "template_save $(timed "$TMP" "$N4A" -w "$TMP/ws" template save --from-pipeline "$pipeline" --name best --force)" >> "$TMP/times"
  echo "template_show $(timed "$TMP" "$N4A" -w "$TMP/ws" template show best)" >> "$TMP/times"
done

python3 - "$TMP/times" "$OUT/provenance_summary.json" "$REPEATS" "$RUNS" "$versions" "$git_recorded" <<'PY'
import json, statistics, sys
times, out, repeats, runs, versions, git_recorded = sys.argv[1:]
rows = [line.split() for line in open(times)]
med = lambda k: statistics.median(float(r[1]) for r in rows if r[0] == k)
s = {"repeats": int(repeats), "runs_in_workspace": int(runs), "dataset_versions": int(versions),
     "runs_with_git_provenance": int(git_recorded)}
for k in ["run_git", "run_nogit", "runs", "datasets", "show", "show_json", "template_save", "template_show"]:
    s[k + "_ms"] = 1000 * med(k)
s["run_git_over_nogit"] = s["run_git_ms"] / s["run_nogit_ms"]
for k in ["datasets", "show", "show_json", "template_save", "template_show"]:
    s[k + "_over_runs"] = s[k + "_ms"] / s["runs_ms"]
json.dump(s, open(out, "w"), indent=2)
print(f"provenance: n4a run of 1 variant (gasoline, 3 folds), median of {repeats}")
print(f"  cwd outside git {s['run_nogit_ms']:8.1f} ms   cwd in this git repo {s['run_git_ms']:8.1f} ms"
      f"   ratio {s['run_git_over_nogit']:.3f} ({s['runs_with_git_provenance']} runs recorded a git commit)")
print(f"lineage queries on {runs} runs, {versions} dataset versions (baseline: n4a runs), median of {repeats}")
for k in ["runs", "datasets", "show", "show_json", "template_save", "template_show"]:
    ratio = "" if k == "runs" else f"   x{s[k + '_over_runs']:.2f}"
    print(f"  n4a {k.replace('_', ' '):16} {s[k + '_ms']:8.1f} ms{ratio}")
PY
