#!/usr/bin/env bash
# --where, --group-by and n4a predictions on a real run of the gasoline sweep:
# every answer is checked against the same question asked in SQL (n4a sql),
# with params read from generator_choices (the filter reads chains.steps).
source "$(dirname "$0")/../support/cli_lib.sh"
n4a() { "$N4A" -w "$TMP/ws" "$@"; }
# The rows of a csv listing on stdin, fields joined by '|', sorted.
rows() { python3 -c "import csv,sys; r=csv.reader(sys.stdin); next(r); [print('|'.join(x)) for x in r]" | sort; }
sql() { n4a sql "$1" --format csv | rows; }
# The values of column $1 of a csv listing on stdin, sorted.
col() { python3 -c "import csv,sys; [print(r['$1']) for r in csv.DictReader(sys.stdin)]" | sort; }
same() {  # same NAME ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: got [$(echo "$2" | head -5)...] ($(echo -n "$2" | grep -c ^) rows), \
expected [$(echo "$3" | head -5)...] ($(echo -n "$3" | grep -c ^) rows)"
  [ -n "$3" ] || fail "$1: the expected answer is empty, the check proves nothing"
}
ncomp="json_extract(p.best_params, '\$.\"pipeline[2].n_components\"')::INT"
deriv="json_extract(p.best_params, '\$.\"pipeline[1].deriv\"')::INT"

cd "$N4A_SOURCE_DIR"
"$N4A" run examples/gasoline_sweep.json -w "$TMP/ws" -q > /dev/null || fail "n4a run exited $?"

# top: the issue's example, every val prediction that passes it.
where="model_class = 'PLSRegression' and (scores.r2 > 0.95 or params.n_components < 4)"
same "top --where" "$(n4a top -n 100000 --where "$where" --format csv | col prediction_id)" \
  "$(sql "SELECT prediction_id FROM predictions p WHERE partition = 'val'
          AND model_class = 'PLSRegression'
          AND (CAST(scores->>'r2' AS DOUBLE) > 0.95 OR $ncomp < 4)")"
# ... ranked: the first is the best of them.
same "top --where rank 1" "$(n4a top -n 1 --where "$where" --format csv | col score)" \
  "$(sql "SELECT min(val_score) FROM predictions p WHERE partition = 'val'
          AND (CAST(scores->>'r2' AS DOUBLE) > 0.95 OR $ncomp < 4)")"

# --group-by: one row per preprocessing, each with its best val score.
same "top --group-by" \
  "$(n4a top -n 100 --group-by preprocessings --format csv |
     python3 -c "import csv,sys; [print(r['preprocessings'] + '|' + r['score']) for r in csv.DictReader(sys.stdin)]" | sort)" \
  "$(sql "SELECT preprocessings, min(val_score) FROM predictions WHERE partition = 'val'
          GROUP BY preprocessings")"
n4a top --group-by preprocessings | head -1 | grep -q preprocessings ||
  fail "the grouped table does not show the grouping column"
# Grouped and filtered: the filter chooses who competes.
same "top --group-by --where" \
  "$(n4a top -n 100 --group-by model_name --where "params.deriv = 2 and fold_id != 'fold_0'" \
     --metric r2 --format csv | col score)" \
  "$(sql "SELECT max(CAST(scores->>'r2' AS DOUBLE)) FROM predictions p WHERE partition = 'val'
          AND $deriv = 2 AND fold_id <> 'fold_0' GROUP BY model_name")"

# n4a predictions: options and --where together.
same "predictions --where" \
  "$(n4a predictions --partition test --where "params.deriv = 1 and (preprocessings like 'SNV%' \
     or preprocessings ~ '^MSC') and not params.n_components in (1, 2, 3)" --limit 100000 \
     --format csv | col prediction_id)" \
  "$(sql "SELECT prediction_id FROM predictions p WHERE partition = 'test' AND $deriv = 1
          AND (preprocessings LIKE 'SNV%' OR preprocessings LIKE 'MSC%')
          AND $ncomp NOT IN (1, 2, 3)")"
n4a predictions --limit 3 | head -1 | grep -q val_score || fail "predictions table header"
[ "$(n4a predictions --limit 3 --format csv | tail -n +2 | wc -l)" = 3 ] || fail "predictions --limit"

# chains, pipelines, runs.
same "chains --where" \
  "$(n4a chains --top 1000 --where "params.n_components >= 12 and cv_test_score is not null \
     and pipeline_name ~ 'SG\(11,2,0\)'" --format csv | col chain_id)" \
  "$(sql "SELECT c.chain_id FROM chains c JOIN predictions p ON p.chain_id = c.chain_id
          AND p.fold_id = 'fold_final' AND p.partition = 'test'
          WHERE $ncomp >= 12 AND $deriv = 0")"
same "pipelines --where" \
  "$(n4a pipelines --where "params.n_components = 3 or name = 'SNV > SG(11,2,1) > PLS(8)'" \
     --format csv | col pipeline_id)" \
  "$(sql "SELECT pipeline_id FROM pipelines p WHERE
          json_extract(generator_choices, '\$.\"pipeline[2].n_components\"')::INT = 3
          OR name = 'SNV > SG(11,2,1) > PLS(8)'")"
same "runs --where" "$(n4a runs --where "pipelines = 135 and status = 'completed'" --format csv |
  col run_id)" "$(sql "SELECT run_id FROM runs")"
[ "$(n4a runs --where "pipelines < 135" --format csv | tail -n +2 | wc -l)" = 0 ] ||
  fail "runs --where pipelines < 135"

# Errors: exit 2, a caret under the column, the known fields, no SQL run.
set +e
n4a top --where "scores.r2 > 0.95 and (params.n_components < 4" 2> "$TMP/err"; code=$?
set -e
[ "$code" = 2 ] || fail "syntax error exited $code"
grep -q "column 46:" "$TMP/err" || fail "no column in: $(cat "$TMP/err")"
grep -qx " \{47\}^" "$TMP/err" || fail "no caret under column 46: $(cat "$TMP/err")"
set +e
n4a chains --where "model = 'PLS'" 2> "$TMP/err"; code=$?
set -e
[ "$code" = 2 ] || fail "unknown field exited $code"
grep -q "unknown field 'model'.*model_class.*params.<name>" "$TMP/err" ||
  fail "unknown field message: $(cat "$TMP/err")"
set +e
n4a runs --where "x'; DROP TABLE runs; --" 2> "$TMP/err"; code=$?
set -e
[ "$code" = 2 ] || fail "injection attempt exited $code"
[ "$(n4a predictions --where "model_name = 'x''; DROP TABLE runs; --'" --format csv |
  tail -n +2 | wc -l)" = 0 ] || fail "quoted injection matched rows"
[ "$(sql "SELECT count(*) FROM runs")" = 1 ] || fail "runs table damaged"
set +e
n4a top --group-by "model_class; DROP TABLE runs" 2> /dev/null; code=$?
set -e
[ "$code" = 2 ] || fail "bad --group-by exited $code"
echo "ok"
