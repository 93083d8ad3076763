#!/usr/bin/env bash
# Issue 26 item 18: every command that takes a run, pipeline or chain id also
# takes a unique prefix of it (as git takes commits); an ambiguous prefix is
# bad usage listing candidates, an unknown one is not found.
source "$(dirname "$0")/../support/cli_lib.sh"
n4a() { "$N4A" -w "$TMP/ws" "$@"; }
one() { n4a sql "$1" --format csv | tail -n +2; }
# The shortest prefix (at least 8 characters) that only `id` has among `all`.
unique_prefix() {  # unique_prefix ID ALL_IDS
  /usr/bin/python3 -c "
import sys
i, ids = sys.argv[1], sys.argv[2].split()
n = 8
while sum(x.startswith(i[:n]) for x in ids) > 1: n += 1
print(i[:n])" "$1" "$2"
}
small_config "$TMP/cfg.json" 4
n4a run "$TMP/cfg.json" -q > /dev/null || fail "n4a run exited $?"
run=$(one "SELECT run_id FROM runs")
chain=$(one "SELECT chain_id FROM chains ORDER BY cv_val_score LIMIT 1")
pipeline=$(one "SELECT pipeline_id FROM chains WHERE chain_id = '$chain'")
c=$(unique_prefix "$chain" "$(one "SELECT chain_id FROM chains")")
p=$(unique_prefix "$pipeline" "$(one "SELECT pipeline_id FROM pipelines")")
r=${run:0:8}
[ "$c" != "$chain" ] && [ "$p" != "$pipeline" ] || fail "no shorter prefix: $c $p"

expect_exit 0 n4a show "$c"
grep -q "^Chain $chain" "$TMP/out.txt" || fail "show $c: $(cat "$TMP/out.txt")"
expect_exit 0 n4a predictions --chain "$c" --format csv
[ "$(cut -d, -f3 "$TMP/out.txt" | tail -n +2 | sort -u)" = "$chain" ] ||
  fail "predictions --chain $c: $(cat "$TMP/out.txt")"
expect_exit 0 n4a predictions --pipeline "$p" --format csv
[ "$(cut -d, -f2 "$TMP/out.txt" | tail -n +2 | sort -u)" = "$pipeline" ] ||
  fail "predictions --pipeline $p"
expect_exit 0 n4a pipelines --run "$r" --format csv
[ "$(tail -n +2 "$TMP/out.txt" | wc -l)" = 4 ] || fail "pipelines --run $r"
expect_exit 0 n4a chains --run "$r" --format csv
[ "$(tail -n +2 "$TMP/out.txt" | wc -l)" = 4 ] || fail "chains --run $r"
expect_exit 0 n4a predict --chain "$c" "$N4A_SOURCE_DIR/data/gasoline.csv" --format csv
expect_exit 0 n4a export chain "$c" m.n4a
expect_exit 0 n4a export script "$c" m.n4a.py
expect_exit 0 n4a export config "$p" c.json
expect_exit 0 n4a export run "$r" r.yaml
grep -q "$run" "$TMP/ws/exports/r.yaml" || fail "export run $r wrote another run"
expect_exit 0 n4a template save --from-pipeline "$p" --name best
grep -q "$pipeline" "$TMP/ws"/library/*/best/* || fail "template source is not $pipeline"
expect_exit 1 n4a run --resume "$r"
grep -q "run $run is already completed" "$TMP/err.txt" || fail "resume $r: $(cat "$TMP/err.txt")"

# Ambiguous: ids made in one run share their leading (time) characters.
shared=$(/usr/bin/python3 -c "import os.path,sys; print(os.path.commonprefix(sys.argv[1:]))" \
  $(one "SELECT chain_id FROM chains"))
[ "${#shared}" -ge 4 ] || fail "the chains share only '$shared'"
expect_usage "chain id prefix '$shared' is ambiguous: 4 chains start with it" n4a show "$shared"
grep -q "^  $chain$" "$TMP/err.txt" || fail "the candidates are not listed: $(cat "$TMP/err.txt")"
expect_usage "at least 4 characters" n4a show "${chain:0:3}"
expect_exit 1 n4a show ffffffff
grep -q "chain ffffffff does not exist" "$TMP/err.txt" || fail "unknown: $(cat "$TMP/err.txt")"
expect_exit 1 n4a export config "$chain" x.json  # a chain id is not a pipeline id
grep -q "pipeline $chain does not exist" "$TMP/err.txt" || fail "kinds: $(cat "$TMP/err.txt")"

# Last, as it deletes: delete-run by prefix says the whole id.
expect_exit 0 n4a workspace delete-run --run-id "$r"
grep -q "deleted run $run" "$TMP/out.txt" || fail "delete-run $r: $(cat "$TMP/out.txt")"
[ "$(one "SELECT count(*) FROM runs")" = 0 ] || fail "the run is still there"
echo "id_prefix: ok"
