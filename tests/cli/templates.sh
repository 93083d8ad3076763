#!/usr/bin/env bash
# Template round trip: save from a config file and from a recorded pipeline,
# list by category and tag, show, run a template on new data, overwrite only
# with --force, refuse names that escape the library, delete.
source "$(dirname "$0")/../support/cli_lib.sh"
n4a() { "$N4A" -w "$TMP/ws" "$@"; }
sql() { n4a sql "$1" --format csv | tail -n +2; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
cd "$TMP"
cat > config.json <<JSON
{"name": "sweep",
 "dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane", "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"_or_": [null, {"op": "SNV"}]}, {"model": "PLSRegression", "n_components": {"_or_": [2, 3]}}]}
JSON
n4a run config.json -q > /dev/null

# Save from a file and from the best pipeline.
n4a template save --file config.json --name sweep --category nirs --tags pls,snv \
  --description "SNV or not, 2 or 3 components" > out.txt || fail "save --file: $(cat out.txt)"
grep -q "Saved template 'sweep' (category nirs)" out.txt || fail "save message: $(cat out.txt)"
[ -f ws/library/nirs/sweep/pipeline.json ] && [ -f ws/library/nirs/sweep/metadata.json ] ||
  fail "library layout"
best=$(sql "SELECT pipeline_id FROM pipelines ORDER BY best_val LIMIT 1")
best_name=$(sql "SELECT name FROM pipelines WHERE pipeline_id = '$best'")
n4a template save --from-pipeline "$best" --name best --tags pls > /dev/null || fail "save --from-pipeline"
[ -f ws/library/general/best/metadata.json ] || fail "default category"
status=0
"$N4A" -w "$TMP/nows" template save --from-pipeline "$best" --name x > out.txt 2>&1 || status=$?
[ "$status" = 1 ] && [ ! -e "$TMP/nows" ] || fail "--from-pipeline created a workspace: $status"

# List, filter, show.
[ "$(n4a template list --format csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" = "best sweep " ] ||
  fail "list: $(n4a template list)"
[ "$(n4a template list --category nirs --format json | json 'len(d), d[0]["name"]')" = "1 sweep" ] ||
  fail "list --category"
[ "$(n4a template list --tag snv --format json | json '[t["name"] for t in d]')" = "['sweep']" ] ||
  fail "list --tag"
n4a template list | grep -q "pls,snv" || fail "table shows tags"
n4a template show best > show.txt
grep -q "Template 'best' (category general)" show.txt || fail "show: $(cat show.txt)"
n4a template show best --format json > show.json
[ "$(json 'd["config"]["pipeline"] == [s for s in d["config"]["pipeline"] if "_or_" not in s]' < show.json)" = True ] ||
  fail "a pipeline template has no generators"
[ "$(json 'd["metadata"]["source"]["pipeline_id"]' < show.json)" = "$best" ] || fail "source"
[ "$(json 'd["metadata"]["metrics"]["metric"]' < show.json)" = rmse ] || fail "metrics"
[ "$(json 'd["metadata"]["format_version"]' < show.json)" = 1 ] || fail "format version"

# Overwrite only with --force.
status=0
n4a template save --file config.json --name best > out.txt 2>&1 || status=$?
[ "$status" = 1 ] && grep -q -- "--force" out.txt || fail "overwrite without --force: $status $(cat out.txt)"
[ "$(n4a template show best --format json | json 'd["metadata"]["source"].get("pipeline_id")')" = "$best" ] ||
  fail "refused save changed the template"
n4a template save --file config.json --name best --force > /dev/null || fail "--force"
[ "$(n4a template show best --format json | json 'len(d["config"]["pipeline"][0]["_or_"])')" = 2 ] ||
  fail "--force did not replace"
n4a template save --from-pipeline "$best" --name best --force > /dev/null

# Names that would leave the library are refused (usage error), nothing written.
for bad in "../evil" "a/b" ".." ".hidden" ""; do
  status=0
  n4a template save --file config.json --name "$bad" > out.txt 2>&1 || status=$?
  [ "$status" = 2 ] || fail "name '$bad' accepted (exit $status): $(cat out.txt)"
done
status=0
n4a template save --file config.json --name ok --category ../.. > out.txt 2>&1 || status=$?
[ "$status" = 2 ] || fail "category escape accepted"
[ ! -e ws/evil ] && [ ! -e evil ] && [ "$(ls ws/library)" = "$(printf 'general\nnirs')" ] ||
  fail "something was written: $(ls ws/library)"

# Run the saved pipeline on new data (another version of the CSV).
{ cat "$N4A_SOURCE_DIR/data/gasoline.csv"; tail -n 1 "$N4A_SOURCE_DIR/data/gasoline.csv"; } > new.csv
n4a run --template best --dataset new.csv -q > out.txt || fail "run --template: $(cat out.txt)"
run=$(sql "SELECT run_id FROM runs WHERE name = 'best'")
[ -n "$run" ] || fail "no run named after the template"
[ "$(sql "SELECT count(*) FROM pipelines WHERE run_id = '$run' AND status = 'completed'")" = 1 ] ||
  fail "template run pipelines"
[ "$(sql "SELECT name FROM pipelines WHERE run_id = '$run'")" = "$best_name" ] || fail "same steps"
[ "$(sql "SELECT datasets->0->>'path' FROM runs WHERE run_id = '$run'")" = "$TMP/new.csv" ] ||
  fail "dataset replaced: $(sql "SELECT datasets FROM runs WHERE run_id = '$run'")"
[ "$(sql "SELECT datasets->0->>'n_samples' FROM runs WHERE run_id = '$run'")" = 61 ] || fail "new data"
status=0
n4a run --template nope --dataset new.csv > out.txt 2>&1 || status=$?
[ "$status" = 1 ] && grep -q "template 'nope' does not exist" out.txt || fail "unknown template: $status"
status=0
n4a run --template best > out.txt 2>&1 || status=$?
[ "$status" = 2 ] || fail "--template without --dataset: $status"
status=0
n4a run config.json --dataset new.csv > out.txt 2>&1 || status=$?
[ "$status" = 2 ] || fail "--dataset without --template: $status"

# Delete.
n4a template delete best > /dev/null || fail "delete"
[ ! -e ws/library/general ] || fail "folder left"
status=0
n4a template show best > out.txt 2>&1 || status=$?
[ "$status" = 1 ] || fail "show after delete: $status"
[ "$(n4a template list --format csv | tail -n +2 | cut -d, -f1)" = sweep ] || fail "list after delete"
echo ok
