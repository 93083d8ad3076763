#!/usr/bin/env bash
# `workspace restore` of a backup that fails the restored workspace's check
# (an artifact altered in place, same size) exits 4 and leaves its target as
# it was: no half-populated new folder, and with --force the workspace it was
# to replace still whole. A sound backup then replaces it.
source "$(dirname "$0")/../support/cli_lib.sh"
cd "$TMP"
cat > config.json <<JSON
{"dataset": {"path": "$N4A_SOURCE_DIR/data/gasoline.csv", "target": "octane"},
 "cv": {"type": "kfold", "n_splits": 3},
 "pipeline": [{"_or_": [null, {"op": "SNV"}]}, {"model": "PLSRegression", "n_components": 3}]}
JSON
expect_exit 0 "$N4A" run config.json -w ws -q
expect_exit 0 "$N4A" -w ws workspace backup bk
cp -r bk rotten
artifact=$(find rotten/artifacts -type f | head -1)
printf 'X' | dd of="$artifact" bs=1 seek=0 conv=notrunc status=none  # the magic N4AOP

expect_exit 4 "$N4A" workspace restore rotten new
[ ! -e new ] || fail "a failed restore left $(ls new)"

# The workspace that --force was to replace is untouched.
expect_exit 0 "$N4A" run config.json -w other -q --name other
expect_exit 4 "$N4A" workspace restore rotten other --force
expect_exit 0 "$N4A" -w other workspace check
[ "$("$N4A" -w other sql "SELECT name FROM runs" --format csv | tail -1)" = other ] ||
  fail "the workspace to replace changed"
[ -z "$(ls -d ./*.tmp.* 2>/dev/null)" ] || fail "temporary folders left: $(ls -d ./*.tmp.*)"

# --force never replaces a folder that holds no workspace.
mkdir notes && echo keep > notes/todo.txt
expect_exit 1 "$N4A" workspace restore bk notes --force
[ -f notes/todo.txt ] || fail "--force deleted a folder that was no workspace"

expect_exit 0 "$N4A" workspace restore bk other --force
[ "$("$N4A" -w other sql "SELECT count(*) FROM runs WHERE name = 'other'" --format csv | tail -1)" = 0 ] ||
  fail "--force did not replace the workspace"
[ -z "$(ls -d ./*.tmp.* 2>/dev/null)" ] || fail "temporary folders left: $(ls -d ./*.tmp.*)"
echo "ok"
