#include "catalog/merge_sql.h"

#include <fmt/format.h>

#include <map>

#include "catalog/artifact_refs.h"
#include "n4a/queries.h"

namespace n4a::catalog {
namespace {

std::string Str(const db::Value& v) {
  return db::IsNull(v) ? std::string() : std::get<std::string>(v);
}

// How one table's source rows meet the target's. Every SQL fragment is fixed
// text of this file; `s` is the source row, `e` the existing target row.
struct TableSpec {
  std::string table;
  std::string key;
  std::string source;     // relation of source rows, aliased s
  std::string existing;   // join condition of e (the target table) on s
  std::string selection;  // which source rows the merge considers
  std::string better;     // kKeepBest: s beats e (empty: keep e)
  std::string new_skip;   // a new row that is skipped anyway (empty: none)
};

// s beats e on `score` by the direction of s's metric; a missing score loses.
std::string Better(const std::string& score) {
  return fmt::format(
      "CASE WHEN s.{0} IS NULL THEN false WHEN e.{0} IS NULL THEN true "
      "WHEN s.metric IN (SELECT metric FROM m_higher) THEN s.{0} > e.{0} ELSE s.{0} < e.{0} END",
      score);
}

std::vector<TableSpec> Specs(bool filtered) {
  const std::string in_pipelines = "s.pipeline_id IN (SELECT id FROM m_sel_pipelines)";
  auto keyed = [](const std::string& table, const std::string& key) {
    return TableSpec{table, key, "n4a_src." + table, "e." + key + " = s." + key, "", "", ""};
  };
  TableSpec projects = keyed("projects", "project_id");
  projects.selection = filtered ? "s.project_id IN (SELECT project_id FROM n4a_src.runs "
                                  "WHERE run_id IN (SELECT id FROM m_sel_runs))"
                                : "true";
  // A project of the same name under another id is the same project.
  projects.new_skip = "s.project_id IN (SELECT src_id FROM m_project_map)";
  TableSpec runs = keyed("runs", "run_id");
  runs.source =
      "(SELECT r.* REPLACE (COALESCE(pm.dst_id, r.project_id) AS project_id) FROM n4a_src.runs r "
      "LEFT JOIN m_project_map pm ON pm.src_id = r.project_id)";
  runs.selection = "s.run_id IN (SELECT id FROM m_sel_runs)";
  TableSpec pipelines = keyed("pipelines", "pipeline_id");
  pipelines.selection = in_pipelines;
  TableSpec chains = keyed("chains", "chain_id");
  chains.selection = in_pipelines;
  chains.better = Better("cv_val_score");
  TableSpec predictions{"predictions",
                        "prediction_id",
                        "(SELECT p.*, m.target_rowid AS m_target_rowid FROM n4a_src.predictions p "
                        "JOIN m_pred_match m ON m.id = p.prediction_id)",
                        "e.rowid = s.m_target_rowid",
                        "true",
                        Better("val_score"),
                        ""};
  TableSpec logs = keyed("logs", "log_id");
  logs.selection = in_pipelines + (filtered ? "" : " OR s.pipeline_id IS NULL");
  return {projects, runs, pipelines, chains, predictions, logs};
}

Result<std::vector<std::string>> TargetColumns(db::Connection& con, const std::string& table) {
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query("SELECT column_name FROM duckdb_columns() WHERE "
                                              "database_name = current_database() AND "
                                              "schema_name = 'main' AND table_name = $1 "
                                              "ORDER BY column_index",
                                              {table}));
  std::vector<std::string> cols;
  for (const auto& row : t.rows) cols.push_back(Str(row[0]));
  if (cols.empty()) return Status::Internal("the target catalog has no table " + table);
  return cols;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::vector<std::string> Qualified(const std::vector<std::string>& cols, const std::string& alias) {
  std::vector<std::string> out;
  for (const auto& c : cols) out.push_back(alias + db::QuoteIdentifier(c));
  return out;
}

// Rows differ in any column of the target's.
std::string Differs(const std::vector<std::string>& cols) {
  std::vector<std::string> terms;
  for (const auto& c : cols) {
    std::string q = db::QuoteIdentifier(c);
    terms.push_back("s." + q + " IS DISTINCT FROM e." + q);
  }
  return "(" + Join(terms, " OR ") + ")";
}

Result<std::string> ReplaceCondition(db::Connection& con, const TableSpec& spec,
                                     MergePolicy policy) {
  switch (policy) {
    case MergePolicy::kKeepExisting: return std::string("false");
    case MergePolicy::kKeepBest: return spec.better.empty() ? std::string("false") : spec.better;
    case MergePolicy::kOverwrite: break;
  }
  N4A_ASSIGN_OR_RETURN(auto cols, TargetColumns(con, spec.table));
  std::string cond = Differs(cols);
  if (spec.table == "projects") {  // a renamed project must not take another's name
    cond +=
        " AND NOT EXISTS (SELECT 1 FROM projects o WHERE o.name = s.name AND "
        "o.project_id <> s.project_id)";
  }
  return cond;
}

Status PlanTable(db::Connection& con, const TableSpec& spec, MergePolicy policy) {
  N4A_ASSIGN_OR_RETURN(std::string replace, ReplaceCondition(con, spec, policy));
  std::string when_new = spec.new_skip.empty()
                             ? std::string("'add'")
                             : "CASE WHEN " + spec.new_skip + " THEN 'skip' ELSE 'add' END";
  return con.exec(fmt::format(
      "CREATE OR REPLACE TEMP TABLE m_{0} AS SELECT s.{1} AS id, CASE WHEN e.{1} IS NULL THEN {2} "
      "WHEN {3} THEN 'replace' ELSE 'skip' END AS action FROM {4} s LEFT JOIN {0} e ON {5} "
      "WHERE {6}",
      spec.table, spec.key, when_new, replace, spec.source, spec.existing, spec.selection));
}

// Which source rows the dataset filter selects; projects matched by name.
Status PlanSelections(db::Connection& con, const std::string& dataset_name) {
  N4A_TRY(
      con.exec("CREATE OR REPLACE TEMP TABLE m_sel_pipelines (id VARCHAR);"
               "CREATE OR REPLACE TEMP TABLE m_sel_runs (id VARCHAR);"
               "CREATE OR REPLACE TEMP TABLE m_higher (metric VARCHAR);"
               "CREATE OR REPLACE TEMP TABLE m_project_map AS SELECT s.project_id AS src_id, "
               "e.project_id AS dst_id FROM n4a_src.projects s JOIN projects e ON e.name = s.name "
               "AND e.project_id <> s.project_id"));
  N4A_TRY(
      con.exec("INSERT INTO m_sel_pipelines SELECT pipeline_id FROM n4a_src.pipelines "
               "WHERE $1 = '' OR dataset_name = $1",
               {dataset_name}));
  N4A_TRY(
      con.exec("INSERT INTO m_sel_runs SELECT run_id FROM n4a_src.runs WHERE $1 = '' OR "
               "run_id IN (SELECT run_id FROM n4a_src.pipelines WHERE dataset_name = $1)",
               {dataset_name}));
  // Metric directions come from HigherIsBetter, not from a copy in SQL.
  N4A_ASSIGN_OR_RETURN(db::Table metrics,
                       con.query("SELECT DISTINCT metric FROM n4a_src.chains WHERE metric IS NOT "
                                 "NULL UNION SELECT DISTINCT metric FROM n4a_src.predictions "
                                 "WHERE metric IS NOT NULL"));
  Json higher = Json::array();
  for (const auto& row : metrics.rows) {
    if (HigherIsBetter(Str(row[0]))) higher.push_back(Str(row[0]));
  }
  // Bound as one JSON parameter: the plan may run on a read-only
  // connection, where the Appender cannot write even to temp tables.
  return con.exec("INSERT INTO m_higher SELECT unnest(from_json($1, '[\"VARCHAR\"]'))",
                  {higher.dump()});
}

// The target row each selected source prediction meets: same natural key,
// else same id (UUIDv7 ids do not collide, natural keys may after re-saves).
Status PlanPredictionMatches(db::Connection& con) {
  return con.exec(
      "CREATE OR REPLACE TEMP TABLE m_pred_match AS SELECT s.prediction_id AS id, "
      "COALESCE(k.rowid, t.rowid) AS target_rowid, t.rowid AS id_rowid "
      "FROM n4a_src.predictions s LEFT JOIN predictions t ON t.prediction_id = s.prediction_id "
      "LEFT JOIN predictions k ON k.pipeline_id = s.pipeline_id "
      "AND k.chain_id IS NOT DISTINCT FROM s.chain_id AND k.fold_id IS NOT DISTINCT FROM s.fold_id "
      "AND k.partition IS NOT DISTINCT FROM s.partition "
      "AND k.model_name IS NOT DISTINCT FROM s.model_name "
      "AND k.branch_id IS NOT DISTINCT FROM s.branch_id "
      "WHERE s.pipeline_id IN (SELECT id FROM m_sel_pipelines)");
}

Result<RefCounts> ChainRefs(db::Connection& con, const std::string& sql) {
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query(sql));
  RefCounts refs;
  for (const auto& row : t.rows) {
    AddChainRefs(Json::parse(Str(row[0]), nullptr, false), Json::parse(Str(row[1]), nullptr, false),
                 refs);
  }
  return refs;
}

// The artifacts that copied chains reference (m_new_refs) and where they go.
Status PlanArtifacts(db::Connection& con) {
  N4A_ASSIGN_OR_RETURN(
      RefCounts refs,
      ChainRefs(con,
                "SELECT s.fold_artifacts::VARCHAR, s.shared_artifacts::VARCHAR FROM "
                "n4a_src.chains s JOIN m_chains m ON m.id = s.chain_id "
                "WHERE m.action <> 'skip'"));
  N4A_TRY(con.exec("CREATE OR REPLACE TEMP TABLE m_new_refs (artifact_id VARCHAR, n BIGINT)"));
  Json rows = Json::array();
  for (const auto& [id, n] : refs) rows.push_back({{"id", id}, {"n", n}});
  N4A_TRY(
      con.exec("INSERT INTO m_new_refs SELECT * FROM (SELECT unnest(from_json($1, "
               "'[{\"id\": \"VARCHAR\", \"n\": \"BIGINT\"}]'), recursive := true))",
               {rows.dump()}));
  N4A_TRY(
      con.exec("CREATE OR REPLACE TEMP TABLE m_artifacts AS SELECT r.artifact_id AS id, "
               "CASE WHEN e.artifact_id IS NULL THEN 'add' ELSE 'skip' END AS action, "
               "COALESCE(e.format, s.format) AS format, s.artifact_path AS source_path, "
               "COALESCE(e.artifact_path, s.artifact_path) AS target_path "
               "FROM m_new_refs r LEFT JOIN n4a_src.artifacts s ON s.artifact_id = r.artifact_id "
               "LEFT JOIN artifacts e ON e.artifact_id = r.artifact_id"));
  N4A_ASSIGN_OR_RETURN(db::Table missing,
                       con.query("SELECT id FROM m_artifacts WHERE target_path IS NULL LIMIT 1"));
  if (!missing.rows.empty()) {
    return Status::Corruption("a source chain references artifact " + Str(missing.rows[0][0]) +
                              ", which the source catalog does not have");
  }
  return Status::Ok();
}

Result<int64_t> Count(db::Connection& con, const std::string& sql) {
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query(sql));
  return std::get<int64_t>(t.rows[0][0]);
}

// Inserts the plan's new rows and updates its replaced ones (tables with a key).
Status CopyKeyed(db::Connection& con, const TableSpec& spec) {
  N4A_ASSIGN_OR_RETURN(auto cols, TargetColumns(con, spec.table));
  N4A_TRY(
      con.exec(fmt::format("INSERT INTO {0} ({1}) SELECT {2} FROM {3} s WHERE s.{4} IN "
                           "(SELECT id FROM m_{0} WHERE action = 'add')",
                           spec.table, Join(Qualified(cols, ""), ", "),
                           Join(Qualified(cols, "s."), ", "), spec.source, spec.key)));
  std::vector<std::string> sets;
  for (const auto& c : cols) {
    if (c != spec.key) sets.push_back(db::QuoteIdentifier(c) + " = s." + db::QuoteIdentifier(c));
  }
  return con.exec(
      fmt::format("UPDATE {0} SET {1} FROM {2} s WHERE {0}.{3} = s.{3} AND s.{3} IN "
                  "(SELECT id FROM m_{0} WHERE action = 'replace')",
                  spec.table, Join(sets, ", "), spec.source, spec.key));
}

// Predictions have no key column: replaced rows (matched by natural key or
// id) go with their arrays references, then the copies are inserted.
Status CopyPredictions(db::Connection& con) {
  N4A_TRY(con.exec(
      "CREATE OR REPLACE TEMP TABLE m_pred_gone AS SELECT target_rowid AS r FROM m_pred_match "
      "JOIN m_predictions USING (id) WHERE action = 'replace' UNION SELECT id_rowid FROM "
      "m_pred_match JOIN m_predictions USING (id) WHERE action = 'replace' AND id_rowid IS NOT "
      "NULL"));
  N4A_TRY(
      con.exec("DELETE FROM prediction_arrays WHERE prediction_id IN (SELECT prediction_id FROM "
               "predictions WHERE rowid IN (SELECT r FROM m_pred_gone))"));
  N4A_TRY(con.exec("DELETE FROM predictions WHERE rowid IN (SELECT r FROM m_pred_gone)"));
  N4A_ASSIGN_OR_RETURN(auto cols, TargetColumns(con, "predictions"));
  return con.exec(
      fmt::format("INSERT INTO predictions ({0}) SELECT {1} FROM n4a_src.predictions s WHERE "
                  "s.prediction_id IN (SELECT id FROM m_predictions WHERE action <> 'skip')",
                  Join(Qualified(cols, ""), ", "), Join(Qualified(cols, "s."), ", ")));
}

Status CopyArtifactRows(db::Connection& con, const std::unordered_set<std::string>& in_place) {
  N4A_ASSIGN_OR_RETURN(db::Table ids, con.query("SELECT id FROM m_artifacts"));
  for (const auto& row : ids.rows) {
    if (in_place.count(Str(row[0])) == 0) {
      return Status::FailedPrecondition("artifact " + Str(row[0]) +
                                        " is needed but was not copied: the target changed "
                                        "during the merge; run it again");
    }
  }
  N4A_ASSIGN_OR_RETURN(auto cols, TargetColumns(con, "artifacts"));
  std::vector<std::string> values = Qualified(cols, "s.");
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == "ref_count") values[i] = "0";  // counted below, from the chains
  }
  return con.exec(fmt::format(
      "INSERT INTO artifacts ({0}) SELECT {1} FROM n4a_src.artifacts s WHERE s.artifact_id IN "
      "(SELECT id FROM m_artifacts WHERE action = 'add')",
      Join(Qualified(cols, ""), ", "), Join(values, ", ")));
}

Status CopyChains(db::Connection& con, const TableSpec& spec) {
  N4A_ASSIGN_OR_RETURN(
      RefCounts released,
      ChainRefs(con,
                "SELECT fold_artifacts::VARCHAR, shared_artifacts::VARCHAR FROM chains "
                "WHERE chain_id IN (SELECT id FROM m_chains WHERE action = 'replace')"));
  N4A_TRY(ApplyRefCounts(con, released, RefChange::kDecrement));
  N4A_TRY(CopyKeyed(con, spec));
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query("SELECT artifact_id, n FROM m_new_refs"));
  RefCounts taken;
  for (const auto& row : t.rows) taken[Str(row[0])] = std::get<int64_t>(row[1]);
  return ApplyRefCounts(con, taken, RefChange::kIncrement);
}

Status CopyArrayRefs(db::Connection& con, const std::vector<PendingWrites::ArrayRef>& staged) {
  N4A_TRY(con.exec(
      "CREATE OR REPLACE TEMP TABLE m_staged (prediction_id VARCHAR, dataset_name VARCHAR, "
      "part_path VARCHAR)"));
  N4A_ASSIGN_OR_RETURN(auto app, db::Appender::create(con, "m_staged"));
  for (const auto& r : staged) {
    app->append(std::string_view(r.prediction_id));
    app->append(std::string_view(r.dataset_name));
    app->append(std::string_view(r.part_path));
    N4A_TRY(app->end_row());
  }
  N4A_TRY(app->close());
  N4A_ASSIGN_OR_RETURN(
      int64_t unstaged,
      Count(con,
            "SELECT count(*) FROM (SELECT DISTINCT a.prediction_id FROM "
            "n4a_src.prediction_arrays a JOIN m_predictions m ON m.id = a.prediction_id "
            "WHERE m.action <> 'skip') x ANTI JOIN m_staged USING (prediction_id)"));
  if (unstaged > 0) {
    return Status::FailedPrecondition(fmt::format(
        "the arrays of {} predictions were not copied: the target changed during the merge; "
        "run it again",
        unstaged));
  }
  return con.exec(
      "INSERT INTO prediction_arrays (prediction_id, dataset_name, part_path) SELECT "
      "st.prediction_id, st.dataset_name, st.part_path FROM m_staged st JOIN m_predictions m "
      "ON m.id = st.prediction_id WHERE m.action <> 'skip'");
}

}  // namespace

Status AttachSource(db::Connection& con, const std::string& catalog_path) {
  return con.exec("ATTACH " + db::QuoteLiteral(catalog_path) + " AS n4a_src (READ_ONLY)")
      .WithContext("open the source catalog");
}

Status PlanMerge(db::Connection& con, MergePolicy policy, const std::string& dataset_name) {
  N4A_TRY(PlanSelections(con, dataset_name));
  N4A_TRY(PlanPredictionMatches(con));
  for (const TableSpec& spec : Specs(!dataset_name.empty())) N4A_TRY(PlanTable(con, spec, policy));
  return PlanArtifacts(con);
}

Result<std::vector<PlanCount>> PlanCounts(db::Connection& con) {
  const std::vector<std::pair<std::string, std::string>> sources = {
      {"projects", "m_projects"},
      {"runs", "m_runs"},
      {"pipelines", "m_pipelines"},
      {"artifacts", "m_artifacts"},
      {"chains", "m_chains"},
      {"predictions", "m_predictions"},
      {"prediction_arrays",
       "(SELECT m.action FROM (SELECT DISTINCT prediction_id FROM n4a_src.prediction_arrays) a "
       "JOIN m_predictions m ON m.id = a.prediction_id)"},
      {"logs", "m_logs"}};
  std::vector<PlanCount> out;
  for (const auto& [table, relation] : sources) {
    N4A_ASSIGN_OR_RETURN(
        db::Table t,
        con.query("SELECT count(*) FILTER (action = 'add'), count(*) FILTER (action = 'skip'), "
                  "count(*) FILTER (action = 'replace') FROM " +
                  relation));
    const auto& row = t.rows[0];
    out.push_back(
        {table, std::get<int64_t>(row[0]), std::get<int64_t>(row[1]), std::get<int64_t>(row[2])});
  }
  return out;
}

Result<std::vector<PlannedArtifact>> PlannedArtifacts(db::Connection& con) {
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query("SELECT id, format, source_path, target_path FROM "
                                              "m_artifacts ORDER BY id"));
  std::vector<PlannedArtifact> out;
  for (const auto& row : t.rows) {
    out.push_back({Str(row[0]), Str(row[1]), Str(row[2]), Str(row[3])});
  }
  return out;
}

Result<std::vector<PlannedArrayRow>> PlannedArrayRows(db::Connection& con) {
  N4A_ASSIGN_OR_RETURN(
      db::Table t, con.query("SELECT a.prediction_id, any_value(a.dataset_name), max(a.part_path), "
                             "any_value(p.n_samples) FROM n4a_src.prediction_arrays a "
                             "JOIN m_predictions m ON m.id = a.prediction_id "
                             "JOIN n4a_src.predictions p ON p.prediction_id = a.prediction_id "
                             "WHERE m.action <> 'skip' GROUP BY a.prediction_id ORDER BY 2, 3, 1"));
  std::vector<PlannedArrayRow> out;
  out.reserve(t.rows.size());
  for (const auto& row : t.rows) {
    int64_t n = db::IsNull(row[3]) ? 0 : std::get<int64_t>(row[3]);
    out.push_back({Str(row[0]), Str(row[1]), Str(row[2]), n});
  }
  return out;
}

Status ApplyMerge(db::Connection& con, const std::vector<PendingWrites::ArrayRef>& staged,
                  const std::unordered_set<std::string>& artifacts_in_place) {
  std::map<std::string, TableSpec> specs;
  for (TableSpec& spec : Specs(false)) specs[spec.table] = std::move(spec);
  N4A_TRY(CopyKeyed(con, specs["projects"]));
  N4A_TRY(CopyKeyed(con, specs["runs"]));
  N4A_TRY(CopyKeyed(con, specs["pipelines"]));
  N4A_TRY(CopyArtifactRows(con, artifacts_in_place));
  N4A_TRY(CopyChains(con, specs["chains"]));
  N4A_TRY(CopyPredictions(con));
  N4A_TRY(CopyArrayRefs(con, staged));
  return CopyKeyed(con, specs["logs"]);
}

}  // namespace n4a::catalog
