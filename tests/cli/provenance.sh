#!/usr/bin/env bash
# Provenance: a run records user, host, version, command line and the git
# commit and dirty flag of the working directory (absent outside git);
# `n4a datasets` lists the versions of a CSV and the runs that used each;
# `n4a show` prints everything about one chain.
source "$(dirname "$0")/../support/cli_lib.sh"
n4a() { "$N4A" -w "$TMP/ws" "$@"; }
sql() { n4a sql "$1" --format csv | tail -n +2; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
config() {  # config FILE CSV
  cat > "$1" <<JSON
{"name": "prov", "dataset": {"path": "$2", "target": "octane", "name": "gasoline", "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"op": "SNV"}, {"model": "PLSRegression", "n_components": 3}]}
JSON
}
mkdir "$TMP/repo" "$TMP/plain"
cp "$N4A_SOURCE_DIR/data/gasoline.csv" "$TMP/repo/v1.csv"
{ cat "$TMP/repo/v1.csv"; tail -n 1 "$TMP/repo/v1.csv"; } > "$TMP/plain/v2.csv"

# Inside a git repository with a committed config: commit recorded, clean.
cd "$TMP/repo"
config cfg.json v1.csv
echo notes > notes.txt
git init -q . && git add cfg.json notes.txt && git -c user.name=t -c user.email=t@example.com commit -qm init
head=$(git rev-parse HEAD)
n4a run cfg.json -q > /dev/null
r1=$(sql "SELECT run_id FROM runs")
p() { sql "SELECT provenance->>'$2' FROM runs WHERE run_id = '$1'"; }
[ "$(p "$r1" '$.git.commit')" = "$head" ] || fail "git commit: $(sql 'SELECT provenance FROM runs')"
[ "$(p "$r1" '$.git.dirty')" = false ] || fail "clean tree recorded as dirty"
[ "$(p "$r1" '$.git.root')" = "$(pwd -P)" ] || fail "git root"
[ "$(p "$r1" '$.n4a_version')" = "$("$N4A" --version | cut -d' ' -f2)" ] || fail "version"
[ "$(p "$r1" '$.user')" = "$(id -un)" ] || [ "$(p "$r1" '$.user')" = "${USER:-}" ] || fail "user"
[ "$(p "$r1" '$.host')" = "$(hostname)" ] || fail "host"
[ "$(sql "SELECT json_array_length(provenance->'command_line') || ' ' || (provenance->'command_line'->>3) || ' ' || (provenance->'command_line'->>4) FROM runs WHERE run_id = '$r1'")" = "6 run cfg.json" ] ||
  fail "command line: $(n4a sql "SELECT provenance->'command_line' FROM runs")"
echo changed >> notes.txt
n4a run cfg.json -q --name dirty > /dev/null
r2=$(sql "SELECT run_id FROM runs WHERE name = 'dirty'")
[ "$(p "$r2" '$.git.dirty')" = true ] || fail "modified tree not dirty"

# Outside git: no git fields, not an error. Another version of the data.
cd "$TMP/plain"
config cfg.json v2.csv
n4a run cfg.json -q --name plain > /dev/null || fail "run outside git"
r3=$(sql "SELECT run_id FROM runs WHERE name = 'plain'")
[ "$(sql "SELECT (provenance->'git') IS NULL AND (provenance->>'cwd') = '$(pwd)' FROM runs WHERE run_id = '$r3'")" = true ] ||
  fail "git fields outside a repository: $(sql "SELECT provenance FROM runs WHERE run_id = '$r3'")"

# n4a datasets: two versions of gasoline, the runs that used each.
n4a datasets --format json > ds.json
[ "$(json 'len(d), [x["dataset_name"] for x in d], [x["runs"] for x in d]' < ds.json)" = \
  "2 ['gasoline', 'gasoline'] [2, 1]" ] || fail "datasets: $(cat ds.json)"
[ "$(json 'sorted(d[0]["run_ids"]) == sorted(["'"$r1"'", "'"$r2"'"]) and d[1]["run_ids"] == ["'"$r3"'"]' < ds.json)" = True ] ||
  fail "run ids per version: $(cat ds.json)"
[ "$(json 'd[0]["hash"] != d[1]["hash"], d[0]["n_samples"], d[1]["n_samples"], d[1]["path"]' < ds.json)" = \
  "True 60 61 $TMP/plain/v2.csv" ] || fail "versions: $(cat ds.json)"
n4a datasets > ds.txt
grep -q "gasoline .* $(json 'd[1]["hash"][:12]' < ds.json) " ds.txt || fail "table: $(cat ds.txt)"
[ "$(n4a datasets --format csv | head -1 | cut -d, -f1-3)" = "dataset_name,role,hash" ] || fail "csv"

# n4a show: everything about the chain of the first run.
chain=$(sql "SELECT c.chain_id FROM chains c JOIN pipelines p USING (pipeline_id) WHERE p.run_id = '$r1'")
n4a show "$chain" > show.txt
for want in "Chain $chain" "Run $r1" "git: $head" "Dataset gasoline version $(json 'd[0]["hash"]' < ds.json)" \
            "60 samples x 401 features" "SNV" "PLSRegression" "fold_final" "test" "Fold scores" "Artifacts"; do
  grep -qF -- "$want" show.txt || fail "show lacks '$want': $(cat show.txt)"
done
n4a show "$chain" --format json > show.json
[ "$(json 'd["run"]["provenance"]["git"]["commit"], len(d["fold_scores"]), len(d["artifacts"]), d["dataset"]["n_samples"]' < show.json)" = \
  "$head 8 8 60" ] || fail "show json: $(cat show.json)"
test_score=$(sql "SELECT cv_test_score FROM chains WHERE chain_id = '$chain'")
[ "$(json 'abs([f["score"] for f in d["fold_scores"] if f["partition"] == "test"][0] - '"$test_score"') < 1e-9' < show.json)" = True ] ||
  fail "test score differs from the chain's"
status=0
n4a show 01234567-no-such-chain > out.txt 2>&1 || status=$?
[ "$status" = 1 ] && grep -q "does not exist" out.txt || fail "unknown chain: $status"
echo ok
