#include "catalog/catalog_reader.h"

#include <algorithm>
#include <array>
#include <regex>

#include "catalog/filter_sql.h"
#include "util/suggest.h"

namespace n4a {

bool HigherIsBetter(const std::string& metric) {
  static const std::array<const char*, 5> kHigher = {"r2", "rpd", "accuracy", "balanced_accuracy",
                                                     "f1_macro"};
  for (const char* m : kHigher) {
    if (metric == m) return true;
  }
  return false;
}

}  // namespace n4a

namespace n4a::catalog {
namespace {

using Row = std::vector<db::Value>;

std::string Text(const Row& r, size_t i) {
  return db::IsNull(r[i]) ? std::string() : std::get<std::string>(r[i]);
}
int64_t Int(const Row& r, size_t i) {
  return db::IsNull(r[i]) ? 0 : std::get<int64_t>(r[i]);
}
std::optional<double> OptDouble(const Row& r, size_t i) {
  if (db::IsNull(r[i])) return std::nullopt;
  return std::get<double>(r[i]);
}
Json JsonOf(const Row& r, size_t i) {
  if (db::IsNull(r[i])) return nullptr;
  return Json::parse(std::get<std::string>(r[i]), nullptr, /*allow_exceptions=*/false);
}

// Runs `sql` expecting at most one row; NotFound names what is missing.
Result<Row> OneRow(db::Connection& con, const std::string& sql, const std::string& id,
                   const std::string& what) {
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query(sql, {id}));
  if (t.rows.empty()) return Status::NotFound(what + " " + id + " does not exist");
  return std::move(t.rows[0]);
}

// An optional equality filter, appended to `where` with its parameter.
void WhereEquals(std::string& where, std::vector<db::Value>& params, const std::string& column,
                 const std::string& value) {
  if (value.empty()) return;
  params.emplace_back(value);
  where += (where.empty() ? " WHERE " : " AND ") + column + " = $" + std::to_string(params.size());
}

bool IsIdentifier(const std::string& s) {
  static const std::regex kIdent("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(s, kIdent);
}

// Ok for an empty `value` (no filter) or one of `known`; else the
// InvalidArgument of CheckKnownName, so that a typo is not an empty answer.
Status CheckFilterValue(const std::string& what, const std::string& value,
                        const std::vector<std::string>& known) {
  return value.empty() ? Status::Ok() : CheckKnownName(what, value, known);
}

}  // namespace

Result<RunRecord> GetRun(db::Connection& con, const std::string& run_id) {
  N4A_ASSIGN_OR_RETURN(
      Row r, OneRow(con,
                    "SELECT run_id, name, status, config::VARCHAR, datasets::VARCHAR, "
                    "epoch_us(created_at), epoch_us(completed_at), summary::VARCHAR, error, "
                    "project_id, provenance::VARCHAR FROM runs WHERE run_id = $1",
                    run_id, "run"));
  return RunRecord{Text(r, 0), Text(r, 1),   Text(r, 2), JsonOf(r, 3), JsonOf(r, 4), Int(r, 5),
                   Int(r, 6),  JsonOf(r, 7), Text(r, 8), Text(r, 9),   JsonOf(r, 10)};
}

Result<PipelineRecord> GetPipeline(db::Connection& con, const std::string& pipeline_id) {
  N4A_ASSIGN_OR_RETURN(
      Row r, OneRow(con,
                    "SELECT pipeline_id, run_id, name, expanded_config::VARCHAR, "
                    "generator_choices::VARCHAR, dataset_name, dataset_hash, status, "
                    "epoch_us(created_at), epoch_us(completed_at), best_val, best_test, metric, "
                    "duration_ms, error FROM pipelines WHERE pipeline_id = $1",
                    pipeline_id, "pipeline"));
  return PipelineRecord{Text(r, 0),       Text(r, 1),       Text(r, 2),  JsonOf(r, 3), JsonOf(r, 4),
                        Text(r, 5),       Text(r, 6),       Text(r, 7),  Int(r, 8),    Int(r, 9),
                        OptDouble(r, 10), OptDouble(r, 11), Text(r, 12), Int(r, 13),   Text(r, 14)};
}

Result<ChainRecord> GetChain(db::Connection& con, const std::string& chain_id) {
  N4A_ASSIGN_OR_RETURN(
      Row r,
      OneRow(con,
             "SELECT chain_id, pipeline_id, steps::VARCHAR, model_step_idx, model_class, "
             "preprocessings, fold_strategy, fold_artifacts::VARCHAR, shared_artifacts::VARCHAR, "
             "branch_path, source_index, model_name, metric, task_type, dataset_name, "
             "cv_val_score, cv_oof_score, cv_test_score, cv_train_score, cv_fold_count, "
             "epoch_us(created_at) FROM chains WHERE chain_id = $1",
             chain_id, "chain"));
  ChainRecord c;
  c.chain_id = Text(r, 0);
  c.pipeline_id = Text(r, 1);
  c.steps = JsonOf(r, 2);
  c.model_step_idx = Int(r, 3);
  c.model_class = Text(r, 4);
  c.preprocessings = Text(r, 5);
  c.fold_strategy = Text(r, 6);
  c.fold_artifacts = JsonOf(r, 7);
  c.shared_artifacts = JsonOf(r, 8);
  c.branch_path = Text(r, 9);
  c.source_index = Int(r, 10);
  c.model_name = Text(r, 11);
  c.metric = Text(r, 12);
  c.task_type = Text(r, 13);
  c.dataset_name = Text(r, 14);
  c.cv_val_score = OptDouble(r, 15);
  c.cv_oof_score = OptDouble(r, 16);
  c.cv_test_score = OptDouble(r, 17);
  c.cv_train_score = OptDouble(r, 18);
  c.cv_fold_count = Int(r, 19);
  c.created_at = Int(r, 20);
  return c;
}

Result<PredictionRecord> GetPrediction(db::Connection& con, const std::string& prediction_id) {
  N4A_ASSIGN_OR_RETURN(
      Row r, OneRow(con,
                    "SELECT prediction_id, pipeline_id, chain_id, dataset_name, model_name, "
                    "model_class, fold_id, partition, val_score, test_score, train_score, metric, "
                    "task_type, n_samples, n_features, scores::VARCHAR, best_params::VARCHAR, "
                    "preprocessings, branch_id, branch_name, epoch_us(created_at) "
                    "FROM predictions WHERE prediction_id = $1",
                    prediction_id, "prediction"));
  PredictionRecord p;
  p.prediction_id = Text(r, 0);
  p.pipeline_id = Text(r, 1);
  p.chain_id = Text(r, 2);
  p.dataset_name = Text(r, 3);
  p.model_name = Text(r, 4);
  p.model_class = Text(r, 5);
  p.fold_id = Text(r, 6);
  p.partition = Text(r, 7);
  p.val_score = OptDouble(r, 8);
  p.test_score = OptDouble(r, 9);
  p.train_score = OptDouble(r, 10);
  p.metric = Text(r, 11);
  p.task_type = Text(r, 12);
  p.n_samples = Int(r, 13);
  p.n_features = Int(r, 14);
  p.scores = JsonOf(r, 15);
  p.best_params = JsonOf(r, 16);
  p.preprocessings = Text(r, 17);
  p.branch_id = Text(r, 18);
  p.branch_name = Text(r, 19);
  p.created_at = Int(r, 20);
  return p;
}

Result<std::vector<ProjectRecord>> ListProjects(db::Connection& con,
                                                const std::string& name_filter) {
  std::string where;
  std::vector<db::Value> params;
  WhereEquals(where, params, "name", name_filter);
  N4A_ASSIGN_OR_RETURN(db::Table t,
                       con.query("SELECT project_id, name, description, color, "
                                 "epoch_us(created_at), epoch_us(updated_at) FROM projects" +
                                     where + " ORDER BY name",
                                 params));
  std::vector<ProjectRecord> out;
  for (const Row& r : t.rows) {
    out.push_back({Text(r, 0), Text(r, 1), Text(r, 2), Text(r, 3), Int(r, 4), Int(r, 5)});
  }
  return out;
}

Result<Table> ListRuns(db::Connection& con, const RunFilter& f,
                       const std::vector<std::string>& dead_runs) {
  N4A_TRY(CheckFilterValue("run status", f.status, RunStatuses()));
  std::string where;
  std::vector<db::Value> params;
  WhereEquals(where, params, "r.status", f.status);
  WhereEquals(where, params, "r.project_id", f.project_id);
  if (!f.dataset.empty()) {
    params.emplace_back(f.dataset);
    where += std::string(where.empty() ? " WHERE " : " AND ") +
             "EXISTS (SELECT 1 FROM pipelines q WHERE q.run_id = r.run_id AND q.dataset_name = $" +
             std::to_string(params.size()) + ")";
  }
  N4A_TRY(AppendFilter(con, f.where, RunFilterFields(), where, params));
  std::string sql =
      "SELECT r.run_id, r.name, r.status, r.created_at, r.completed_at, "
      "(SELECT count(*) FROM pipelines p WHERE p.run_id = r.run_id) AS pipelines, "
      "r.provenance->>'user' AS \"user\", r.provenance->>'host' AS host, "
      "r.provenance->'git'->>'commit' AS git_commit, "
      "r.project_id, r.error FROM " +
      (dead_runs.empty() ? std::string("runs")
                         : "(SELECT * REPLACE (CASE WHEN status = 'running' AND run_id IN (" +
                               db::QuoteLiteralList(dead_runs) +
                               ") THEN 'dead' ELSE status END AS status) FROM runs)") +
      " r" + where + " ORDER BY r.created_at DESC, r.run_id DESC";
  N4A_ASSIGN_OR_RETURN(std::string limit, LimitOffset(params, f.limit, f.offset));
  return con.query(sql + limit, params);
}

Result<Table> ListPipelines(db::Connection& con, const PipelineFilter& f) {
  N4A_TRY(CheckFilterValue("pipeline status", f.status, PipelineStatuses()));
  std::string where;
  std::vector<db::Value> params;
  WhereEquals(where, params, "p.run_id", f.run_id);
  WhereEquals(where, params, "p.dataset_name", f.dataset_name);
  WhereEquals(where, params, "p.status", f.status);
  N4A_TRY(AppendFilter(con, f.where, PipelineFilterFields(), where, params));
  std::string sql =
      "SELECT pipeline_id, run_id, name, status, dataset_name, metric, best_val, best_test, "
      "duration_ms, created_at, error, generator_choices FROM pipelines p" +
      where + " ORDER BY created_at, pipeline_id";
  N4A_ASSIGN_OR_RETURN(std::string limit, LimitOffset(params, f.limit, f.offset));
  return con.query(sql + limit, params);
}

Result<Table> ListChains(db::Connection& con, const ChainFilter& f) {
  N4A_TRY(CheckKnownName("chain score", f.metric,
                         {"cv_val_score", "cv_oof_score", "cv_test_score", "cv_train_score"}));
  std::string where;
  std::vector<db::Value> params;
  WhereEquals(where, params, "c.pipeline_id", f.pipeline_id);
  WhereEquals(where, params, "c.dataset_name", f.dataset_name);
  WhereEquals(where, params, "p.run_id", f.run_id);
  where += std::string(where.empty() ? " WHERE " : " AND ") + "c." + f.metric + " IS NOT NULL";
  N4A_TRY(AppendFilter(con, f.where, ChainFilterFields(), where, params));
  // Default order: by the chains' own metric (all chains of a run share one).
  std::string direction =
      f.order ? (*f.order == SortOrder::kAscending ? "ASC" : "DESC")
              : "CASE WHEN c.metric IN ('r2','rpd','accuracy','balanced_accuracy','f1_macro') "
                "THEN -c." +
                    f.metric + " ELSE c." + f.metric + " END";
  std::string order_by = f.order ? "c." + f.metric + " " + direction : direction;
  N4A_ASSIGN_OR_RETURN(std::string limit, LimitOffset(params, f.limit, 0));
  std::string sql =
      "SELECT c.chain_id, c.pipeline_id, p.name AS pipeline_name, c.model_class, "
      "c.preprocessings, c.metric, c.cv_val_score, c.cv_oof_score, c.cv_test_score, "
      "c.cv_train_score, c.cv_fold_count, c.dataset_name FROM chains c "
      "LEFT JOIN pipelines p USING (pipeline_id)" +
      where + " ORDER BY " + order_by + ", c.chain_id" + limit;
  return con.query(sql, params);
}

namespace {

std::string PredictionEquals(const PredictionFilter& f, const std::string& alias,
                             std::vector<db::Value>& params) {
  std::string where;
  WhereEquals(where, params, alias + "pipeline_id", f.pipeline_id);
  WhereEquals(where, params, alias + "chain_id", f.chain_id);
  WhereEquals(where, params, alias + "dataset_name", f.dataset_name);
  WhereEquals(where, params, alias + "partition", f.partition);
  WhereEquals(where, params, alias + "fold_id", f.fold_id);
  WhereEquals(where, params, alias + "model_class", f.model_class);
  return where;
}

}  // namespace

Result<std::string> PredictionWhere(db::Connection& con, const PredictionFilter& f,
                                    const std::string& qualifier, std::vector<db::Value>& params) {
  N4A_TRY(CheckFilterValue("partition", f.partition, Partitions()));
  std::string where = PredictionEquals(f, qualifier, params);
  N4A_TRY(AppendFilter(con, f.where, PredictionFilterFields(qualifier), where, params));
  return where;
}

Result<Table> QueryPredictions(db::Connection& con, const PredictionFilter& f) {
  std::vector<db::Value> params;
  N4A_ASSIGN_OR_RETURN(std::string where, PredictionWhere(con, f, "predictions.", params));
  std::string sql =
      "SELECT prediction_id, pipeline_id, chain_id, dataset_name, model_name, model_class, "
      "fold_id, partition, val_score, test_score, train_score, metric, task_type, n_samples, "
      "n_features, scores, preprocessings, created_at FROM predictions" +
      where + " ORDER BY prediction_id";
  N4A_ASSIGN_OR_RETURN(std::string limit, LimitOffset(params, f.limit, f.offset));
  return con.query(sql + limit, params);
}

namespace {

const std::vector<std::string> kScoreColumns = {"val_score", "test_score", "train_score"};

bool IsScoreColumn(const std::string& metric) {
  return std::find(kScoreColumns.begin(), kScoreColumns.end(), metric) != kScoreColumns.end();
}

// InvalidArgument for a value of `q` that no catalog can match (the metric
// is checked against the data by CheckMetricRecorded).
Status CheckTopQuery(const TopQuery& q) {
  if (!IsIdentifier(q.metric)) return Status::InvalidArgument("bad metric name '" + q.metric + "'");
  N4A_TRY(CheckFilterValue("grouping field", q.group_by,
                           {"model_class", "model_name", "preprocessings", "dataset_name",
                            "pipeline_id", "chain_id", "fold_id", "partition"}));
  return CheckFilterValue("partition", q.partition, Partitions());
}

// Ok when some prediction records metric `name` (its `metric` or a key of
// its `scores`), or when there is no prediction at all; else InvalidArgument
// naming the metrics recorded. Scans every row's scores: call it only to
// explain an empty answer.
Status CheckMetricRecorded(db::Connection& con, const std::string& name) {
  N4A_ASSIGN_OR_RETURN(db::Table t,
                       con.query("SELECT DISTINCT unnest(json_keys(scores)) FROM predictions "
                                 "UNION SELECT metric FROM predictions WHERE metric IS NOT NULL"));
  if (t.rows.empty()) return Status::Ok();
  std::vector<std::string> known = kScoreColumns;
  for (const Row& r : t.rows) known.push_back(Text(r, 0));
  std::sort(known.begin() + kScoreColumns.size(), known.end());
  return CheckKnownName("metric", name, known);
}

}  // namespace

Result<Table> TopPredictions(db::Connection& con, const TopQuery& q) {
  N4A_TRY(CheckTopQuery(q));
  std::vector<db::Value> params;
  bool column = IsScoreColumn(q.metric);
  std::string score = column ? q.metric : ScoreSql("", q.metric, params);
  std::string where = " WHERE " + score + " IS NOT NULL";
  WhereEquals(where, params, "partition", q.partition);
  WhereEquals(where, params, "dataset_name", q.dataset_name);
  FilterFields fields = PredictionFilterFields("predictions.");
  fields.columns.push_back({"score", score, FieldType::kNumber});
  N4A_TRY(AppendFilter(con, q.where, fields, where, params));
  // Score columns hold the row's own metric: its direction decides the order.
  std::string key;
  if (q.order) {
    key = std::string(*q.order == SortOrder::kAscending ? "" : "-") + score;
  } else if (column) {
    key =
        "CASE WHEN metric IN ('r2','rpd','accuracy','balanced_accuracy','f1_macro') "
        "THEN -" +
        score + " ELSE " + score + " END";
  } else {
    key = (HigherIsBetter(q.metric) ? "-" : "") + score;
  }
  // Rank on narrow rows first, then fetch the few winners' details.
  std::string group = q.group_by.empty() ? "" : ", " + q.group_by;
  // Ties break on rowid: deterministic for one catalog state, and an integer
  // sort key is much cheaper than the 36-character prediction id. The
  // winners' details are fetched by rowid too (a direct fetch, no scan).
  std::string ranked = "SELECT rowid AS rid, prediction_id" + group + ", " + score + " AS score, " +
                       key + " AS sort_key FROM predictions" + where;
  if (!q.group_by.empty()) {
    ranked = "SELECT * FROM (" + ranked + ") QUALIFY row_number() OVER (PARTITION BY " +
             q.group_by + " ORDER BY sort_key, rid) = 1";
  }
  N4A_ASSIGN_OR_RETURN(std::string limit, LimitOffset(params, q.n, 0));
  std::string sql =
      "WITH top AS (SELECT rid, prediction_id, score, sort_key FROM (" + ranked +
      ") ORDER BY sort_key, rid" + limit +
      ") SELECT row_number() OVER (ORDER BY top.sort_key, top.rid) AS rank, top.score, "
      "x.prediction_id, p.name AS pipeline_name, x.model_class, x.model_name, x.preprocessings, "
      "x.dataset_name, x.fold_id, x.partition, x.metric, x.val_score, x.test_score, "
      "x.train_score, x.n_samples, x.pipeline_id, x.chain_id FROM top "
      "JOIN predictions x ON x.rowid = top.rid "
      "LEFT JOIN pipelines p ON p.pipeline_id = x.pipeline_id ORDER BY rank";
  N4A_ASSIGN_OR_RETURN(Table t, con.query(sql, params));
  // A metric no row has is a typo, not an empty answer.
  if (t.rows.empty() && !column) N4A_TRY(CheckMetricRecorded(con, q.metric));
  return t;
}

Result<std::string> LimitOffset(std::vector<db::Value>& params, int64_t limit, int64_t offset) {
  if (limit < 0) {
    return Status::InvalidArgument("limit " + std::to_string(limit) +
                                   ": give a positive count, or 0 for no limit");
  }
  if (offset < 0) {
    return Status::InvalidArgument("offset " + std::to_string(offset) + " is negative");
  }
  std::string sql;
  if (limit > 0) {
    params.emplace_back(limit);
    sql = " LIMIT $" + std::to_string(params.size());
  }
  params.emplace_back(offset);
  return sql + " OFFSET $" + std::to_string(params.size());
}

Result<bool> Exists(db::Connection& con, const std::string& table, const std::string& id_column,
                    const std::string& id) {
  if (!IsIdentifier(table) || !IsIdentifier(id_column)) return Status::Internal("bad identifier");
  N4A_ASSIGN_OR_RETURN(
      db::Table t,
      con.query("SELECT count(*) FROM " + table + " WHERE " + id_column + " = $1", {id}));
  return std::get<int64_t>(t.rows[0][0]) > 0;
}

Result<Table> TableCounts(db::Connection& con) {
  return con.query(
      "SELECT 'runs' AS table_name, count(*) AS rows FROM runs UNION ALL "
      "SELECT 'pipelines', count(*) FROM pipelines UNION ALL "
      "SELECT 'chains', count(*) FROM chains UNION ALL "
      "SELECT 'predictions', count(*) FROM predictions UNION ALL "
      "SELECT 'artifacts', count(*) FROM artifacts UNION ALL "
      "SELECT 'logs', count(*) FROM logs UNION ALL "
      "SELECT 'projects', count(*) FROM projects");
}

}  // namespace n4a::catalog
