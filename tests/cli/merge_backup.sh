#!/usr/bin/env bash
# Black-box tests of `n4a workspace merge|backup|restore`: real runs, real
# files; merging twice changes nothing and leaves the source untouched; a
# backup taken while `n4a run` writes passes check and restores.
source "$(dirname "$0")/../support/cli_lib.sh"
cd "$TMP"
sql() { "$N4A" -w "$1" sql "$2" --format csv | tail -n +2; }
# Hash of every file of a workspace but store.lock (readers record themselves there).
tree_hash() { (cd "$1" && find . -type f ! -name store.lock -print0 | sort -z |
  xargs -0 sha256sum | sha256sum); }
added() {  # added JSON_FILE TABLE
  /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tables"][sys.argv[2]]["added"])' "$1" "$2"
}

cat > small.json <<EOF
{"name": "small", "dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane",
  "test": {"rows": "51-60"}}, "cv": {"type": "kfold", "n_splits": 3, "shuffle": true, "seed": 1},
 "pipeline": [{"_or_": [{"op": "SNV"}, null]}, {"model": "PLSRegression", "n_components": {"_range_": [1, 3]}}],
 "metric": "rmse", "refit": true}
EOF
"$N4A" run small.json -w A -q >/dev/null
"$N4A" run small.json -w B -q >/dev/null
na=$(sql A "SELECT count(*) FROM predictions"); nb=$(sql B "SELECT count(*) FROM predictions")
before_a=$(tree_hash A); before_b=$(tree_hash B)

# Dry run: says what would happen, writes nothing.
"$N4A" workspace merge --source A --target B --dry-run --format json > dry.json
[ "$(added dry.json predictions)" = "$na" ] || fail "dry run predicts $na predictions"
[ "$(tree_hash B)" = "$before_b" ] || fail "dry run changed the target"

# Merge, then merge again: the second changes nothing.
"$N4A" workspace merge --source A --target B > merge.txt
grep -q '^predictions  *'"$na"' ' merge.txt || { cat merge.txt; fail "merge table"; }
[ "$(sql B "SELECT count(*) FROM predictions")" = $((na + nb)) ] || fail "merged predictions"
"$N4A" -w B workspace check | grep -q ': ok' || fail "check after merge"
"$N4A" -w B workspace merge --source A --format json > again.json
for t in runs pipelines chains predictions prediction_arrays logs; do
  [ "$(added again.json $t)" = 0 ] || fail "second merge added $t"
done
after_b=$(tree_hash B)
"$N4A" -w B workspace merge --source A --on-conflict overwrite > /dev/null
[ "$(tree_hash B)" = "$after_b" ] || fail "an overwrite of identical rows changed files"
[ "$(sql B "SELECT count(*) FROM predictions")" = $((na + nb)) ] || fail "overwrite duplicated rows"
[ "$(tree_hash A)" = "$before_a" ] || fail "the source was modified"

# Usage errors and refusals.
"$N4A" -w B workspace merge --source B | grep -q 'same workspace' || fail "merge into itself"
expect_exit 2 "$N4A" -w B workspace merge --source A --on-conflict newest
expect_exit 1 "$N4A" -w B workspace merge --source nowhere
grep -q 'not a workspace' err.txt || fail "missing source message"
expect_exit 2 "$N4A" -w B workspace merge  # --source is required

# Backup, incremental backup, restore.
"$N4A" -w B workspace backup bk | grep -q 'backup of' || fail "backup"
[ -f bk/backup.json ] || fail "no manifest"
"$N4A" -w bk workspace check | grep -q ': ok' || fail "a backup passes check"
expect_exit 1 "$N4A" -w B workspace backup bk  # not empty
"$N4A" run small.json -w B -q >/dev/null
"$N4A" -w B workspace backup bk --incremental > inc.txt
grep -Eq '[1-9][0-9]* hard-linked|[1-9][0-9]* files copied' inc.txt || fail "incremental: $(cat inc.txt)"
grep -Eq ' [1-9][0-9]* already there' inc.txt || fail "incremental kept nothing: $(cat inc.txt)"
"$N4A" workspace restore bk rs | grep -q 'ok$' || fail "restore"
[ "$("$N4A" -w rs top --format csv)" = "$("$N4A" -w B top --format csv)" ] || fail "restored top"
[ "$(sql rs "SELECT count(*) FROM runs")" = 3 ] || fail "restored runs"
expect_exit 1 "$N4A" workspace restore bk rs  # not empty
"$N4A" workspace restore bk rs --force >/dev/null || fail "restore --force"
rm bk/backup.json
expect_exit 4 "$N4A" workspace restore bk rs2
[ ! -e rs2 ] || fail "an incomplete backup was restored"

# A backup while `n4a run` writes: consistent, and restorable.
sed "s#\"data/gasoline.csv\"#\"$N4A_SOURCE_DIR/data/gasoline.csv\"#" \
  "$N4A_SOURCE_DIR/examples/gasoline_sweep.json" > sweep.json
("$N4A" run sweep.json -w W -q && "$N4A" run sweep.json -w W -q &&
  "$N4A" run sweep.json -w W -q) >/dev/null &
writer=$!
until [ "$(sql W "SELECT count(*) FROM runs WHERE status = 'completed'" 2>/dev/null)" = 1 ]; do
  kill -0 "$writer" 2>/dev/null || fail "the runs ended before the backup"
  sleep 0.05
done
"$N4A" -w W workspace backup live > /dev/null || fail "backup during a run"
wait "$writer" || fail "the run failed while being backed up"
"$N4A" -w live workspace check | grep -q ': ok' || fail "live backup check"
nl=$(sql live "SELECT count(*) FROM predictions")
[ "$nl" -gt 0 ] || fail "live backup is empty"
# Every prediction of the backup is in the finished workspace, with the same score.
"$N4A" -w live sql "SELECT prediction_id, val_score FROM predictions ORDER BY 1" --format csv > live.csv
"$N4A" -w W sql "SELECT prediction_id, val_score FROM predictions ORDER BY 1" --format csv > full.csv
[ "$(comm -23 <(sort live.csv) <(sort full.csv) | wc -l)" = 0 ] || fail "backup is not a prefix"
"$N4A" workspace restore live live_rs | grep -q 'ok$' || fail "restore of the live backup"
echo "merge_backup: ok"
