#!/usr/bin/env bash
# Issue 26 item 12: counts given to listings. 0 means all everywhere (so the
# hint `n4a run` prints, "n4a chains --run ID --top 0", lists the rest); a
# negative count is bad usage with a clear message, not a raw SQL error; and
# --wait-for-lock takes only a finite, non-negative number of seconds.
source "$(dirname "$0")/../support/cli_lib.sh"
n4a() { "$N4A" -w "$TMP/ws" "$@"; }
rows() { tail -n +2 "$TMP/out.txt" | wc -l; }
small_config "$TMP/cfg.json" 12
n4a run "$TMP/cfg.json" > "$TMP/run.txt" || fail "n4a run exited $?"

# The leaderboard shows 10 of 12 and names the command for the rest: it works.
hint=$(grep -o "(2 more: n4a chains --run [0-9a-f-]* --top 0)" "$TMP/run.txt") ||
  fail "no hint: $(cat "$TMP/run.txt")"
read -r -a cmd <<< "$(echo "$hint" | sed 's/^(2 more: n4a //; s/)$//')"
expect_exit 0 n4a "${cmd[@]}" --format csv
[ "$(rows)" = 12 ] || fail "the hint '$hint' listed $(rows) chains, want 12"
n4a chains --help | grep -q "0: all" || fail "chains --help does not say what --top 0 does"

# 0: all rows of every listing.
n_pred=$(n4a sql "SELECT count(*) FROM predictions" --format csv | tail -1)
n_val=$(n4a sql "SELECT count(*) FROM predictions WHERE partition = 'val'" --format csv | tail -1)
[ "$n_pred" -gt "$n_val" ] || fail "too few predictions: $n_pred"
expect_exit 0 n4a predictions --limit 0 --format csv
[ "$(rows)" = "$n_pred" ] || fail "predictions --limit 0: $(rows) of $n_pred"
expect_exit 0 n4a top -n 0 --format csv
[ "$(rows)" = "$n_val" ] || fail "top -n 0: $(rows) of $n_val"
expect_exit 0 n4a pipelines --limit 0 --format csv
[ "$(rows)" = 12 ] || fail "pipelines --limit 0: $(rows)"
expect_exit 0 n4a runs --limit 0 --format csv
[ "$(rows)" = 1 ] || fail "runs --limit 0: $(rows)"
expect_exit 0 n4a artifacts ls --limit 0 --format csv
[ "$(rows)" -gt 0 ] || fail "artifacts ls --limit 0 is empty"

# Negative counts: bad usage that says what to give.
for args in "runs --limit -1" "pipelines --limit -1" "predictions --limit -1" "chains --top -1" \
            "top -n -1" "artifacts ls --limit -1"; do
  # shellcheck disable=SC2086
  expect_usage "limit -1: give a positive count, or 0 for no limit" n4a $args
done
expect_usage "offset -1 is negative" n4a predictions --offset -1
expect_usage "--top -1: give a positive count, or 0 for all" n4a run "$TMP/cfg.json" --top -1

# --wait-for-lock: a number of seconds, finite and not negative.
for v in nan inf -1 1e99 soon; do
  expect_usage "is not a number of seconds from 0 to 1e9" "$N4A" -w "$TMP/ws" --wait-for-lock "$v" runs
done
expect_exit 0 "$N4A" -w "$TMP/ws" --wait-for-lock 0.5 runs
echo "limits: ok"
