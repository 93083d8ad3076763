#!/usr/bin/env bash
# Issue 26 item 16: user text with a newline, an ANSI escape, a tab, DEL or a
# C1 control is shown escaped in tables and text output (one line per row,
# nothing that drives the terminal); JSON and CSV keep it exact.
source "$(dirname "$0")/../support/cli_lib.sh"
n4a() { "$N4A" -w "$TMP/ws" "$@"; }
name=$'evil\n\e[31mred\ttab\x7f\xc2\x9bend'
shown='evil\n\e[31mred\ttab\x7f\u009bend'
small_config "$TMP/cfg.json" 2
n4a run "$TMP/cfg.json" --name "$name" > "$TMP/run.txt" || fail "n4a run exited $?"

# No raw control byte (but the newlines that end lines) in what people see.
raw_controls() { LC_ALL=C grep -c $'[\x01-\x09\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' "$1" || true; }
n4a runs > "$TMP/runs.txt"
[ "$(raw_controls "$TMP/runs.txt")" = 0 ] || fail "raw control characters: $(cat -v "$TMP/runs.txt")"
[ "$(wc -l < "$TMP/runs.txt")" = 3 ] || fail "the name broke the table: $(cat -v "$TMP/runs.txt")"
grep -qF -- "$shown" "$TMP/runs.txt" || fail "escaped name not shown: $(cat -v "$TMP/runs.txt")"
[ "$(raw_controls "$TMP/run.txt")" = 0 ] || fail "run's summary: $(cat -v "$TMP/run.txt")"
grep -qF -- "\"$shown\"" "$TMP/run.txt" || fail "run's summary: $(cat -v "$TMP/run.txt")"
chain=$(n4a sql "SELECT chain_id FROM chains LIMIT 1" --format csv | tail -1)
n4a show "$chain" > "$TMP/show.txt"
[ "$(raw_controls "$TMP/show.txt")" = 0 ] || fail "show: $(cat -v "$TMP/show.txt")"
grep -qF -- "$shown" "$TMP/show.txt" || fail "show: $(cat -v "$TMP/show.txt")"

# Scripts get the exact text.
got=$(n4a runs --format json | /usr/bin/python3 -c "import json,sys; print(repr(json.load(sys.stdin)[0]['name']))")
[ "$got" = "'evil\n\x1b[31mred\ttab\x7f\x9bend'" ] || fail "json: $got"
got=$(n4a runs --format csv | /usr/bin/python3 -c "import csv,sys; print(repr(next(csv.DictReader(sys.stdin))['name']))")
[ "$got" = "'evil\n\x1b[31mred\ttab\x7f\x9bend'" ] || fail "csv: $got"
echo "control_chars: ok"
