#!/usr/bin/env bash
# Results do not depend on --jobs: same pipelines, same scores, same order.
source "$(dirname "$0")/../support/cli_lib.sh"
cd "$N4A_SOURCE_DIR"
scores() {
  python3 -c "import json; d=json.load(open('$1'))
for e in d['leaderboard']: print(e['name'], repr(e['cv_score']), repr(e['cv_oof_score']), repr(e['test_score']))"
}
"$N4A" run examples/gasoline_sweep.json --no-record --format json --jobs 1 > "$TMP/j1.json"
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" --format json --jobs 2 > "$TMP/j2.json"
"$N4A" run examples/gasoline_sweep.json --no-record --format json --jobs 5 > "$TMP/j5.json"
scores "$TMP/j1.json" > "$TMP/j1.txt"
scores "$TMP/j2.json" > "$TMP/j2.txt"
scores "$TMP/j5.json" > "$TMP/j5.txt"
[ "$(wc -l < "$TMP/j1.txt")" = 135 ] || fail "expected 135 leaderboard lines"
diff "$TMP/j1.txt" "$TMP/j2.txt" || fail "--jobs 1 and --jobs 2 differ"
diff "$TMP/j1.txt" "$TMP/j5.txt" || fail "--jobs 1 and --jobs 5 differ"
echo "ok: identical leaderboards for --jobs 1, 2, 5"
