#!/usr/bin/env bash
# n4a export chain + n4a predict --model: a bundle predicts without any
# workspace, exactly what the chain predicts in the workspace; damaged
# bundles (truncated, not a ZIP, altered or missing artifact, newer format,
# escaping entry path) exit 4 with a clear message.
source "$(dirname "$0")/../support/cli_lib.sh"
PY=/usr/bin/python3

cat > "$TMP/config.json" <<JSON
{"name": "bundle", "dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane",
 "test": {"rows": "51-60"}},
 "cv": {"type": "kfold", "n_splits": 3, "shuffle": true, "seed": 2},
 "pipeline": [{"op": "MSC"}, {"op": "SavitzkyGolay", "deriv": 2}, {"model": "PLSRegression", "n_components": 5}]}
JSON
"$N4A" run "$TMP/config.json" -w "$TMP/ws" -q > /dev/null || fail "n4a run exited $?"
chain=$(sql "SELECT chain_id FROM chains LIMIT 1")
(head -1 "$N4A_SOURCE_DIR/data/gasoline.csv"; sed -n 52,61p "$N4A_SOURCE_DIR/data/gasoline.csv") > "$TMP/test.csv"

# A bare name goes into the workspace's exports/.
"$N4A" -w "$TMP/ws" export chain "$chain" model.n4a > "$TMP/out.txt" || fail "export chain exited $?"
grep -q "wrote $TMP/ws/exports/model.n4a" "$TMP/out.txt" || fail "export: $(cat "$TMP/out.txt")"
cp "$TMP/ws/exports/model.n4a" "$TMP/model.n4a"
$PY - "$TMP/model.n4a" "$chain" <<'PYTHON' || fail "bundle layout"
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
m = json.loads(z.read("manifest.json"))
assert m["bundle_format_version"] == 1 and m["chain_id"] == sys.argv[2], m
assert m["model_class"] == "PLSRegression" and m["preprocessings"] == "MSC>SG(11,2,2)", m
assert m["features"]["count"] == 401 and m["features"]["headers"][-1] == "1700"
assert m["dataset"]["name"] == "gasoline" and len(m["dataset"]["hash"]) == 64
assert m["folds"] == ["fold_0", "fold_1", "fold_2", "fold_final"]
assert m["training_metrics"]["metric"] == "rmse" and m["training_metrics"]["cv_test_score"] > 0
assert m["fold_strategy"].startswith("kfold(")
for aid, info in m["artifacts"].items():
    assert info["path"] in z.namelist(), info
assert "steps" in json.loads(z.read("chain.json"))
PYTHON

# Same predictions (same text, so the same doubles) without a workspace.
"$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/test.csv" --format csv > "$TMP/chain.csv" 2> /dev/null
for fold in auto average fold_1; do
  "$N4A" -w "$TMP/ws" predict --chain "$chain" "$TMP/test.csv" --fold $fold --format csv \
    > "$TMP/chain-$fold.csv" 2> /dev/null
  (cd "$TMP" && NIRS4ALL_WORKSPACE="$TMP/nowhere" "$N4A" predict --model model.n4a test.csv \
    --fold $fold --format csv > "$TMP/bundle-$fold.csv" 2> /dev/null) || fail "predict --model exited $?"
  cmp -s "$TMP/chain-$fold.csv" "$TMP/bundle-$fold.csv" || fail "bundle and chain differ ($fold)"
done
[ ! -e "$TMP/nowhere" ] || fail "predict --model created a workspace"
[ "$(wc -l < "$TMP/bundle-auto.csv")" = 11 ] || fail "expected 10 predictions"

# Damaged bundles: exit 4 and a message saying what is wrong.
expect_corrupt() {  # file, expected message part
  set +e
  "$N4A" predict --model "$1" "$TMP/test.csv" > /dev/null 2> "$TMP/err.txt"
  local rc=$?
  set -e
  [ $rc = 4 ] || fail "$(basename "$1"): exit $rc, expected 4 ($(cat "$TMP/err.txt"))"
  grep -q "$2" "$TMP/err.txt" || fail "$(basename "$1"): message $(cat "$TMP/err.txt")"
}
head -c 20000 "$TMP/model.n4a" > "$TMP/truncated.n4a"
expect_corrupt "$TMP/truncated.n4a" "not a ZIP file or truncated"
cp "$TMP/test.csv" "$TMP/text.n4a"
expect_corrupt "$TMP/text.n4a" "not a ZIP file or truncated"
$PY - "$TMP" <<'PYTHON'
import json, sys, zipfile
d = sys.argv[1]
src = zipfile.ZipFile(d + "/model.n4a")
names = src.namelist()
artifact = [n for n in names if n.startswith("artifacts/")][-1]
def write(name, change):
    with zipfile.ZipFile(d + "/" + name, "w", zipfile.ZIP_DEFLATED) as z:
        for n in names:
            data = change(n, src.read(n))
            if data is not None:
                z.writestr(n, data)
        if name == "escape.n4a":
            z.writestr("../../evil.sh", b"echo pwned")
def altered(n, data):
    return data[:50] + bytes([data[50] ^ 1]) + data[51:] if n == artifact else data
def newer(n, data):
    if n != "manifest.json":
        return data
    m = json.loads(data); m["bundle_format_version"] = 7
    return json.dumps(m)
write("altered.n4a", altered)
write("missing.n4a", lambda n, data: None if n == artifact else data)
write("newer.n4a", newer)
write("escape.n4a", lambda n, data: data)
PYTHON
expect_corrupt "$TMP/altered.n4a" "is altered: its content hashes to"
expect_corrupt "$TMP/missing.n4a" "is missing"
expect_corrupt "$TMP/newer.n4a" "format version 7 is newer than this n4a supports (1)"
expect_corrupt "$TMP/escape.n4a" "'../../evil.sh' is not a safe relative path"
[ ! -e "$TMP/../evil.sh" ] || fail "an entry escaped"
set +e
"$N4A" predict --model "$TMP/absent.n4a" "$TMP/test.csv" 2> /dev/null
[ $? = 1 ] || fail "a missing bundle file: expected exit 1"
set -e
echo "ok: bundle of $chain predicts as the chain"
