#!/usr/bin/env bash
# Issue 26 item 19: `n4a top` ranks single prediction rows (one fold of one
# chain), so its help says that the best is often a lucky fold and points to
# `n4a chains`, which ranks by the cross-validated score.
source "$(dirname "$0")/../support/cli_lib.sh"
"$N4A" top --help > "$TMP/help.txt"
help=$(tr -s ' \n' ' ' < "$TMP/help.txt")
for needle in "one fold of one chain" "lucky fold" "n4a chains"; do
  echo "$help" | grep -qF "$needle" || fail "top --help does not say '$needle': $(cat "$TMP/help.txt")"
done
echo "top_help: ok"
