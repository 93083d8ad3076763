#!/usr/bin/env bash
# Issue 26 item 17: `workspace info --format csv` is CSV, `run --format csv`
# prints the leaderboard as CSV, and `runs` shows who ran each run, where,
# and at which git commit (as the README says).
source "$(dirname "$0")/../support/cli_lib.sh"
n4a() { "$N4A" -w "$TMP/ws" "$@"; }
py() { /usr/bin/python3 -c "import csv,sys; r=list(csv.DictReader(sys.stdin)); $1"; }
mkdir "$TMP/repo"
cd "$TMP/repo"
small_config cfg.json 12
git init -q . && git add cfg.json && git -c user.name=t -c user.email=t@example.com commit -qm init
head=$(git rev-parse HEAD)

# run --format csv: a header and the leaderboard rows, nothing else on stdout.
n4a run cfg.json --format csv > run.csv || fail "n4a run exited $?"
[ "$(py "print(len(r), list(r[0])[:3], r[0]['rank'], r[9]['rank'])" < run.csv)" = \
  "10 ['rank', 'pipeline', 'cv_rmse'] 1 10" ] || fail "run --format csv: $(cat run.csv)"
n4a run cfg.json --format csv --top 0 -q > all.csv || fail "n4a run --top 0 exited $?"
[ "$(py "print(len(r))" < all.csv)" = 12 ] || fail "run --format csv --top 0: $(cat all.csv)"

# workspace info --format csv: one header row and one row of values.
n4a workspace info --format csv > info.csv
[ "$(wc -l < info.csv)" = 2 ] || fail "info csv: $(cat info.csv)"
want="$TMP/ws 2 24 $(n4a sql "SELECT count(*) FROM predictions" --format csv | tail -1)"
[ "$(py "d=r[0]; print(d['path'], d['runs'], d['pipelines'], d['predictions'])" < info.csv)" = \
  "$want" ] || fail "info csv: $(cat info.csv), want $want"
py "d=r[0]; assert int(d['catalog_bytes']) > 0 and int(d['schema_version']) > 0, d" < info.csv ||
  fail "info csv sizes: $(cat info.csv)"

# runs: user, host and git commit, shortened for people, whole for scripts.
user=$(n4a sql "SELECT DISTINCT provenance->>'user' FROM runs" --format csv | tail -n +2)
host=$(n4a sql "SELECT DISTINCT provenance->>'host' FROM runs" --format csv | tail -n +2)
[ -n "$user" ] && [ "$host" = "$(hostname)" ] || fail "provenance: user '$user', host '$host'"
n4a runs > runs.txt
for col in user host git_commit; do
  head -1 runs.txt | grep -qw "$col" || fail "runs has no $col column: $(cat runs.txt)"
done
grep -q " $user  *$host  *${head:0:12} " runs.txt || fail "runs: $(cat runs.txt)"
[ "$(n4a runs --format csv | py "print({x['git_commit'] for x in r}, {x['user'] for x in r})")" = \
  "{'$head'} {'$user'}" ] || fail "runs csv: $(n4a runs --format csv)"
[ "$(n4a runs --where "git_commit = '$head' and host = '$host'" --format csv |
  py "print(len(r))")" = 2 ] || fail "runs --where git_commit"
echo "formats: ok"
